"""An onboarding world for tests: the real API, dispatcher and setup worker on this module's database,
with the Meta, Cloudflare, Stape and GTM fakes and a landing page, all served on free local ports."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import threading
import time
import uuid
from collections.abc import Callable, Iterator

import httpx
import psycopg
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from core.settings import Settings
from fakes.base import serve
from fakes.cloudflare import CloudflareFake
from fakes.gtm import GtmFake
from fakes.mercadopago import MercadoPagoFake
from fakes.meta_graph import MetaFake
from fakes.stape import StapeFake
from jobs.registry import WORKERS
from service.app import create_app
from service.auth import sign
from tests.apiutil import settings_for

JWT_SECRET = "setup-tests-jwt-secret-with-at-least-32-characters"
PIXEL = "765432109876543"
META_TOKEN = "EAAsetupTestToken000000000001"
PP_TOKEN = "setup-perfectpay-token-0001"
CF_TOKEN = "cf-setup-token-000000000000001"
STAPE_KEY = "stape-setup-key-0001"
GTM_ACCOUNT = "6000000001"
GTM_TOKEN = "ya29.setup-service-account-token"
MP_TOKEN = "APP_USR-setup-seller-token"
MP_SECRET = "setup-mercadopago-webhook-secret"
ZONE = "loja.example.com"
DOMAIN = f"track.{ZONE}"


class Landing:
    """The lead's landing page; tests 'install' the snippet by changing its HTML."""

    def __init__(self):
        self.html = "<html><head><title>Oferta</title></head><body><a href='https://checkout.perfectpay.com.br/x'>"\
                    "Comprar</a></body></html>"
        self.delay_s = 0.0
        self.app = Starlette(routes=[Route("/oferta", self._page)])

    async def _page(self, _request) -> HTMLResponse:
        await asyncio.sleep(self.delay_s)
        return HTMLResponse(self.html)

    def install(self, snippet_html: str) -> None:
        self.html = self.html.replace("</head>", f"{snippet_html}</head>")


@dataclasses.dataclass
class World:
    dsn: str
    settings: Settings
    api: str
    meta: MetaFake
    cf: CloudflareFake
    stape: StapeFake
    gtm: GtmFake
    mp: MercadoPagoFake
    landing: Landing
    landing_url: str

    def user_token(self, identifier: str | None = None) -> str:
        identifier = identifier or f"lead-{uuid.uuid4().hex[:8]}"
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            user = conn.execute("select tests.create_user(%s)", (identifier,)).fetchone()[0]
        return sign({"sub": str(user), "role": "authenticated", "exp": int(time.time()) + 3600}, JWT_SECRET)

    def fields(self, **overrides) -> dict:
        body = {"company_name": "Loja Exemplo", "pixel_id": PIXEL, "meta_access_token": META_TOKEN,
                "gateway": "perfectpay", "gateway_secret": PP_TOKEN, "landing_url": self.landing_url,
                "tracking_domain": DOMAIN, "cloudflare_api_token": CF_TOKEN, "test_event_code": "TEST4242"}
        body.update(overrides)
        return body

    def call(self, method: str, path: str, token: str, **kwargs) -> httpx.Response:
        return httpx.request(method, f"{self.api}/api/v1/setup{path}", timeout=30,
                             headers={"authorization": f"Bearer {token}"}, **kwargs)

    def status(self, session_id: str, token: str) -> dict:
        r = self.call("GET", f"/sessions/{session_id}/status", token)
        assert r.status_code == 200, r.text
        return r.json()

    def wait(self, session_id: str, token: str, until: Callable[[dict], bool], timeout_s: float = 60) -> dict:
        deadline = time.monotonic() + timeout_s
        while True:
            s = self.status(session_id, token)
            if until(s):
                return s
            assert time.monotonic() < deadline, f"session never got there: {step_states(s)}"
            time.sleep(0.2)

    def install_snippet(self, session_id: str, token: str) -> None:
        r = self.call("GET", f"/sessions/{session_id}/snippet", token)
        assert r.status_code == 200, r.text
        self.landing.install(r.json()["html"])


def step_states(report: dict) -> dict:
    return {"status": report["status"],
            **{s["name"]: (s["status"], (s["diagnosis"] or {}).get("code")) for s in report["steps"]}}


def step(report: dict, name: str) -> dict:
    return next(s for s in report["steps"] if s["name"] == name)


def _thread(target, name: str) -> threading.Thread:
    t = threading.Thread(target=target, name=name, daemon=True)
    t.start()
    return t


def worker_env(w: World) -> dict[str, str]:
    """The environment a `trackai work setup` process needs to join this world."""
    s = w.settings
    return {"DATABASE_URL": w.dsn, "TRACKAI_SECRET_KEY": s.secret_key, "META_GRAPH_URL": s.meta_graph_url,
            "CLOUDFLARE_API_URL": s.cloudflare_api_url, "STAPE_API_URL": s.stape_api_url,
            "STAPE_API_KEY": s.stape_api_key, "GTM_API_URL": s.gtm_api_url, "GTM_ACCESS_TOKEN": s.gtm_access_token,
            "GTM_ACCOUNT_ID": s.gtm_account_id, "GTM_QPS": str(s.gtm_qps), "TRACKAI_PUBLIC_URL": s.public_url,
            "SETUP_ALLOW_PRIVATE_URLS": "1", "SETUP_VT_S": str(s.setup_vt_s),
            "PROVISION_POLL_TIMEOUT_S": str(s.provision_poll_timeout_s),
            "PROVISION_POLL_INTERVAL_S": str(s.provision_poll_interval_s)}


@contextlib.contextmanager
def world(dsn: str, setup_worker: bool = True, **overrides) -> Iterator[World]:
    meta = MetaFake()
    meta.add_pixel(PIXEL, META_TOKEN)
    cf = CloudflareFake()
    cf.add_zone(ZONE, CF_TOKEN)
    stape = StapeFake(dns_lookup=cf.cname_targets, deploy_delay_s=0.3)
    stape.add_api_key(STAPE_KEY)
    gtm = GtmFake()
    gtm.add_account(GTM_ACCOUNT)
    gtm.add_token(GTM_TOKEN, GTM_ACCOUNT)
    mp = MercadoPagoFake()
    mp.add_token(MP_TOKEN)
    landing = Landing()
    with contextlib.ExitStack() as stack:
        servers = {name: stack.enter_context(serve(app)) for name, app in
                   (("meta", meta.app), ("cf", cf.app), ("stape", stape.app), ("gtm", gtm.app),
                    ("mp", mp.app), ("landing", landing.app))}
        base = dict(meta_graph_url=servers["meta"].url, mercadopago_api_url=servers["mp"].url,
                    cloudflare_api_url=servers["cf"].url + "/client/v4",
                    stape_api_url=servers["stape"].url + "/api/v2", stape_api_key=STAPE_KEY,
                    gtm_api_url=servers["gtm"].url + "/", gtm_access_token=GTM_TOKEN, gtm_account_id=GTM_ACCOUNT,
                    gtm_qps=50.0, supabase_jwt_secret=JWT_SECRET, setup_allow_private_urls=True,
                    provision_poll_timeout_s=3.0, provision_poll_interval_s=0.1, setup_vt_s=30,
                    meta_timeout_s=5.0, dispatch_vt_s=30)
        base.update(overrides)
        settings = settings_for(dsn, **base)
        app = create_app(settings)
        api = stack.enter_context(serve(app, lifespan="on"))
        # the API's public URL is known once it listens; webhook URLs in its answers are built on it
        settings = dataclasses.replace(settings, public_url=api.url)
        app.state.settings = settings
        for name in ("dispatch", "ingest", "mercadopago"):
            worker = WORKERS[name].worker(settings)
            _thread(worker.run, name)
            stack.callback(worker.stop.set)
        if setup_worker:
            worker = WORKERS["setup"].worker(settings)
            loop = asyncio.new_event_loop()
            _thread(lambda: loop.run_until_complete(worker.run()), "setup")
            stack.callback(lambda: loop.call_soon_threadsafe(worker.stop.set))
        yield World(dsn, settings, api.url, meta, cf, stape, gtm, mp, landing, servers["landing"].url + "/oferta")
