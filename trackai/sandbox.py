"""`make run`: bring the whole stack up and run the main job on the sandbox tenant.

Without provider settings, the local fakes stand in for Meta and Mercado Pago (they validate like
the real services). With META_GRAPH_URL / MERCADOPAGO_API_URL and real credentials configured, the
same API and workers talk to the real providers.

The main job: a sandbox company with its pixel, Perfect Pay webhook and collector; a browser visit
with an ad click (fbclid) through the collector; a Perfect Pay postback through the public webhook URL
carrying that visitor; the dispatcher delivers the matched Purchase to Meta; the job prints the
webhook URL, the event's fbtrace_id and its estimated match quality.
"""

from __future__ import annotations

import json
import os
import time
import uuid

import httpx
import psycopg

from core import tenants
from core.secrets import Keyring
from core.settings import LOCAL_PORT, Settings
from fakes import whatsapp as wa
from fakes.checkouts import Checkout
from fakes.perfectpay import approved_now
from jobs.registry import WORKERS
from trackai import db as dbops
from trackai import processes, sandbox_onboarding

SANDBOX_SLUG = "sandbox"
SANDBOX_PIXEL = "100000000000001"
SANDBOX_TOKEN = "EAAsandboxtoken"
SANDBOX_PP_TOKEN = "0123456789abcdef0123456789abcdef"
SANDBOX_HOTTOK = "sandbox-hotmart-hottok-0001"
SANDBOX_ORIGIN = "http://127.0.0.1:8000"
SANDBOX_WABA = "100000000000777"
SANDBOX_PHONE_ID = "100000000000888"
SANDBOX_WA_SECRET = "sandbox-whatsapp-app-secret"
FAKE_PORTS = {"meta_graph": 8101, "mercadopago": 8102, "cloudflare": 8104, "stape": 8105, "gtm": 8106,
              "landing": 8107}
# the sandbox lead's accounts at the provisioning fakes (Stape and GTM are Track AI's own)
SANDBOX_ZONE = "sandbox-loja.com.br"
SANDBOX_CF_TOKEN = "sandbox-cloudflare-token-0001"
SANDBOX_STAPE_KEY = "sandbox-stape-key"
SANDBOX_GTM_ACCOUNT = "6000000001"
SANDBOX_GTM_TOKEN = "ya29.sandbox-gtm-service-account"


def wait_http(url: str, timeout_s: float = 60, expect_ok: bool = True, token: str | None = None) -> dict:
    """The JSON answer of url once it is up; token: METRICS_TOKEN, which /health's detail may need."""
    deadline = time.monotonic() + timeout_s
    last: dict = {}
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    while time.monotonic() < deadline:
        try:
            r = httpx.get(url, timeout=2, headers=headers)
            last = r.json() if r.headers.get("content-type", "").startswith("application/json") else {}
            if r.status_code == 200 or not expect_ok:
                return last
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} not ready after {timeout_s}s: {last}")


def start_fakes(settings: Settings) -> dict[str, str]:
    """Local fakes for every provider whose base URL is not configured; returns env overrides."""
    env: dict[str, str] = {}
    if "META_GRAPH_URL" not in os.environ:
        port = FAKE_PORTS["meta_graph"]
        processes.start(settings, "fake-meta", ["-m", "fakes.meta_graph", "--port", str(port),
                                                "--pixel", f"{SANDBOX_PIXEL}:{SANDBOX_TOKEN}"])
        env["META_GRAPH_URL"] = f"http://127.0.0.1:{port}"
    if "MERCADOPAGO_API_URL" not in os.environ:
        port = FAKE_PORTS["mercadopago"]
        processes.start(settings, "fake-mercadopago", ["-m", "fakes.mercadopago", "--port", str(port)])
        env["MERCADOPAGO_API_URL"] = f"http://127.0.0.1:{port}"
    for url in list(env.values()):
        wait_http(f"{url}/_fake/health")
    env.update(_start_provisioning_fakes(settings))
    if "WHATSAPP_APP_SECRET" not in os.environ:
        # the WhatsApp fake signs with this app secret; the API checks X-Hub-Signature-256 with it
        env["WHATSAPP_APP_SECRET"] = SANDBOX_WA_SECRET
        env["WHATSAPP_VERIFY_TOKEN"] = "sandbox-verify-token"
    return env


def _start_provisioning_fakes(settings: Settings) -> dict[str, str]:
    """Cloudflare, Stape, GTM and the lead's landing page, unless real ones are configured."""
    env: dict[str, str] = {}
    url = "http://127.0.0.1:{}".format
    fakes = {"landing": []}
    if "CLOUDFLARE_API_URL" not in os.environ:
        fakes["cloudflare"] = ["--zone", f"{SANDBOX_ZONE}:{SANDBOX_CF_TOKEN}"]
        env["CLOUDFLARE_API_URL"] = url(FAKE_PORTS["cloudflare"]) + "/client/v4"
    if "STAPE_API_URL" not in os.environ:
        fakes["stape"] = ["--api-key", SANDBOX_STAPE_KEY, "--deploy-delay-s", "3",
                          "--dns-url", url(FAKE_PORTS["cloudflare"])]
        env.update(STAPE_API_URL=url(FAKE_PORTS["stape"]) + "/api/v2", STAPE_API_KEY=SANDBOX_STAPE_KEY)
    if "GTM_API_URL" not in os.environ:
        fakes["gtm"] = ["--account", f"{SANDBOX_GTM_ACCOUNT}:{SANDBOX_GTM_TOKEN}"]
        # the fake has no quota: the real 0.25 QPS would only make the sandbox slow
        env.update(GTM_API_URL=url(FAKE_PORTS["gtm"]) + "/", GTM_ACCESS_TOKEN=SANDBOX_GTM_TOKEN,
                   GTM_ACCOUNT_ID=SANDBOX_GTM_ACCOUNT, GTM_QPS="20")
    for name, args in fakes.items():
        processes.start(settings, f"fake-{name}", ["-m", f"fakes.{name}", "--port", str(FAKE_PORTS[name]), *args])
    for name in fakes:
        wait_http(f"{url(FAKE_PORTS[name])}/_fake/health")
    # the landing page lives on 127.0.0.1; Stape polls fast against its fake
    env.update(SETUP_ALLOW_PRIVATE_URLS="1", PROVISION_POLL_INTERVAL_S="0.5")
    return env


def ensure_sandbox_tenant(settings: Settings) -> dict:
    """The sandbox company and its keys (idempotent: reused on every run)."""
    keyring = Keyring.parse(settings.secret_key)
    with psycopg.connect(settings.dsn, autocommit=True) as conn:
        row = conn.execute("select id from app.companies where slug = %s", (SANDBOX_SLUG,)).fetchone()
        company = str(row[0]) if row else tenants.create_company(conn, "Sandbox Loja", SANDBOX_SLUG)
        keys = dict(conn.execute("select kind, public_key from tracking.endpoints where company_id = %s"
                                 " and disabled_at is null", (company,)).fetchall())
        if "perfectpay" not in keys:
            keys["perfectpay"] = tenants.add_endpoint(conn, company, "perfectpay", SANDBOX_PP_TOKEN)
        if "hotmart" not in keys:
            keys["hotmart"] = tenants.connect_checkout(conn, keyring, company, "hotmart", SANDBOX_HOTTOK)
        if "collector" not in keys:
            keys["collector"] = tenants.add_endpoint(conn, company, "collector")
        tenants.allow_origin(conn, company, SANDBOX_ORIGIN)
        if not conn.execute("select 1 from delivery.destinations where company_id = %s", (company,)).fetchone():
            tenants.add_destination(conn, keyring, company, SANDBOX_PIXEL, SANDBOX_TOKEN, "TEST12345")
        conn.execute("select whatsapp.connect_number(%s, %s, %s, %s)",
                     (company, SANDBOX_WABA, SANDBOX_PHONE_ID, "5511999990000"))
        api_key = _sandbox_api_key(conn, settings, company)
    return {"company_id": company, "api_key": api_key, **keys}


def _sandbox_api_key(conn: psycopg.Connection, settings: Settings, company: str) -> str:
    """API keys are stored hashed: the sandbox keeps its plaintext key in .local (made once)."""
    path = settings.local_dir / "sandbox.json"
    saved = json.loads(path.read_text()) if path.exists() else {}
    if saved.get("company_id") == company and conn.execute(
            "select 1 from tracking.api_keys where key_sha256 = %s and revoked_at is null",
            (tenants.sha256_hex(saved.get("api_key", "")),)).fetchone():
        return saved["api_key"]
    key = tenants.add_api_key(conn, company, "sandbox").plaintext
    path.write_text(json.dumps({"company_id": company, "api_key": key}))
    path.chmod(0o600)
    return key


def wait_sent(settings: Settings, event_id: str, timeout_s: float = 60) -> dict:
    """Until the dispatcher has Meta's 200 for the event: its fbtrace_id and estimated match quality."""
    deadline = time.monotonic() + timeout_s
    row = None
    with psycopg.connect(settings.dsn, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "select e.status, e.match_quality, e.match_key, a.fbtrace_id from tracking.events e"
                " left join delivery.attempts a on e.id = any(a.event_pks) and a.http_status = 200"
                " where e.event_id = %s order by a.id desc nulls last limit 1", (event_id,)).fetchone()
            if row and row[0] == "sent":
                return {"event_id": event_id, "match_quality": float(row[1]), "match_key": row[2],
                        "fbtrace_id": row[3]}
            time.sleep(0.3)
    raise RuntimeError(f"event {event_id} was not delivered to Meta within {timeout_s:.0f} s "
                       f"(status {row[0] if row else '?'})")


def run_whatsapp_leg(base: str, settings: Settings, tenant: dict, app_secret: str) -> dict:
    """A click-to-WhatsApp chat, then a sale closed in it: one business-messaging Purchase at Meta."""
    fake = wa.WhatsAppFake(f"{base}/webhooks/whatsapp", app_secret, waba_id=SANDBOX_WABA,
                           phone_number_id=SANDBOX_PHONE_ID, display_phone_number="5511999990000")
    customer = "55119" + str(uuid.uuid4().int % 10**8).zfill(8)
    _, answer = fake.inbound_text(customer, "Oi! Vi o anúncio do curso", name="Cliente WhatsApp",
                                  referral=wa.referral(ctwa_clid=wa.new_ctwa_clid()))
    answer.raise_for_status()
    sale = httpx.post(f"{base}/api/v1/whatsapp/sales", timeout=10, headers={"X-Api-Key": tenant["api_key"]},
                      json={"wa_id": customer, "value": 297.0, "sale_ref": f"wa-{uuid.uuid4().hex[:10]}"})
    sale.raise_for_status()
    return wait_sent(settings, sale.json()["event_id"])


def _click(base: str, tenant: dict) -> str:
    """A visit from an ad on the landing page: the visitor id its checkout links carry."""
    visitor = f"sbx-{uuid.uuid4().hex[:12]}"
    fbclid = "IwAR" + uuid.uuid4().hex
    click = httpx.post(f"{base}/collect", params={"key": tenant["collector"]}, timeout=10, headers={
        "Origin": SANDBOX_ORIGIN, "User-Agent": "Mozilla/5.0 (sandbox) Chrome/140.0"}, json={
        "event_name": "PageView", "event_id": f"pv-{visitor}", "visitor_id": visitor,
        "url": f"{SANDBOX_ORIGIN}/oferta?fbclid={fbclid}", "fbclid": fbclid,
        "fbp": f"fb.1.{int(time.time() * 1000)}.{uuid.uuid4().int % 2**31}", "utm_source": "facebook"})
    click.raise_for_status()
    return visitor


def run_main_job(base: str, settings: Settings, tenant: dict) -> dict:
    """A click, then a sale through the public webhook URL; wait until Meta has it."""
    visitor = _click(base, tenant)
    webhook = f"{base}/webhooks/perfectpay/{tenant['perfectpay']}"
    sale = httpx.post(webhook, timeout=10, json={
        "token": SANDBOX_PP_TOKEN, "code": f"PPSBX{uuid.uuid4().hex[:10].upper()}", "sale_amount": 197.0,
        "currency_enum": 1, "sale_status_enum": 2, "date_approved": approved_now(),
        "product": {"code": "PPPSBX", "name": "Curso Sandbox"},
        "customer": {"full_name": "Cliente Sandbox", "email": "cliente.sandbox@example.com",
                     "phone_area_code": "11", "phone_number": "987654321", "identification_number": "52998224725"},
        "metadata": {"src": visitor, "utm_source": "facebook"},
    })
    sale.raise_for_status()
    return {"webhook": webhook, **wait_sent(settings, sale.json()["event_id"])}


def run_hotmart_leg(base: str, settings: Settings, tenant: dict) -> dict:
    """A click, then a Hotmart sale (its 2.0.0 notification, the hottok in its header, the visitor id
    back in purchase.origin.xcod); wait until Meta has it."""
    visitor = _click(base, tenant)
    hotmart = Checkout("hotmart", SANDBOX_HOTTOK)
    with httpx.Client(base_url=base, timeout=10) as client:
        sale = hotmart.send(client, tenant["hotmart"], hotmart.notification(
            "approved", f"HP{uuid.uuid4().int % 10**10:010d}", visitor=visitor))
    sale.raise_for_status()
    return {"webhook": f"{base}{hotmart.path(tenant['hotmart'])}", **wait_sent(settings, sale.json()["event_id"])}


class SandboxRefused(RuntimeError):
    """The sandbox journey would write demo data into a database that is not the local cluster."""


# the one way to run the sandbox against DATABASE_URL (`trackai run --sandbox-on-hosted` reads it too)
SANDBOX_ON_HOSTED_ENV = "TRACKAI_SANDBOX_ON_HOSTED"


def refusal(settings: Settings) -> str | None:
    """Why the sandbox does not run against DATABASE_URL, and how to run it anyway; None when local."""
    if settings.is_local:
        return None
    return ("the sandbox journey was not run: DATABASE_URL is set, and the journey would write into that database "
            f"(a company '{SANDBOX_SLUG}' whose Perfect Pay token is in this repository's source, users in "
            "auth.users, supabase/seed.sql's demo rows) and point the workers at local fakes of Meta and the "
            f"other providers; to run it there anyway (a throwaway project only): {SANDBOX_ON_HOSTED_ENV}=1 make run "
            "(or trackai run --sandbox-on-hosted)")


def main(settings: Settings, allow_hosted: bool = False) -> int:
    if not allow_hosted and (why := refusal(settings)):
        raise SandboxRefused(why)
    applied = dbops.up(settings)
    print(f"[db] ready on {'DATABASE_URL' if settings.database_url else f'127.0.0.1:{LOCAL_PORT}'}; "
          f"{len(applied)} new migration(s)")
    env = start_fakes(settings)
    if env:
        print(f"[fakes] {', '.join(f'{k}={v}' for k, v in env.items() if k.endswith('_URL'))}")
    env.setdefault("SUPABASE_JWT_SECRET", sandbox_onboarding.jwt_secret(settings))
    processes.start(settings, "api", ["-m", "trackai.cli", "serve"], env=env)
    for name in sorted(WORKERS):
        processes.start(settings, f"worker-{name}", ["-m", "trackai.cli", "work", name], env=env)
    base = f"http://{settings.api_host}:{settings.api_port}"
    health = wait_http(f"{base}/health", token=settings.metrics_token)
    print(f"[api] {base} healthy: " + ", ".join(f"{k}=ok" for k in health.get("parts", {"api": None})))
    print(f"[workers] running: {', '.join(sorted(WORKERS))}")
    journey = sandbox_onboarding.run(base, settings, f"http://127.0.0.1:{FAKE_PORTS['landing']}", {
        "pixel_id": SANDBOX_PIXEL, "meta_access_token": SANDBOX_TOKEN, "tracking_domain": f"track.{SANDBOX_ZONE}",
        "cloudflare_api_token": SANDBOX_CF_TOKEN, "test_event_code": "TEST12345"})
    test = journey["test_event"]
    print("[setup] the landing snippet (paste it in <head>):")
    print(journey["snippet"]["html"])
    print(f"[setup] webhook URL: {journey['report']['webhook_url']}")
    print(f"[setup] test event {test['event_id'][:16]}… reached Meta with test_event_code {test['test_event_code']}: "
          f"fbtrace_id {test['fbtrace_id']}, estimated match quality {test['match_quality']:.1f}/10")
    print(f"[setup] session {journey['session_id']} is {journey['report']['status']}")
    tenant = ensure_sandbox_tenant(settings)
    print(f"[tenant] sandbox company {tenant['company_id']}")
    result = run_main_job(base, settings, tenant)
    print(f"[main job] Perfect Pay webhook URL: {result['webhook']}")
    print(f"[main job] collector key: {tenant['collector']}")
    print(f"[main job] Purchase {result['event_id'][:16]}… matched by {result['match_key']}, "
          f"estimated match quality {result['match_quality']:.1f}/10, delivered: fbtrace_id {result['fbtrace_id']}")
    hotmart = run_hotmart_leg(base, settings, tenant)
    print(f"[hotmart] webhook URL: {hotmart['webhook']}")
    print(f"[hotmart] Purchase {hotmart['event_id'][:16]}… matched by {hotmart['match_key']}, estimated match "
          f"quality {hotmart['match_quality']:.1f}/10, delivered: fbtrace_id {hotmart['fbtrace_id']}")
    app_secret = env.get("WHATSAPP_APP_SECRET") or settings.whatsapp_app_secret
    if app_secret:
        leg = run_whatsapp_leg(base, settings, tenant, app_secret)
        print(f"[whatsapp] click-to-WhatsApp chat, then a sale: business-messaging Purchase "
              f"{leg['event_id'][:16]}… delivered, fbtrace_id {leg['fbtrace_id']}")
    print(f"[logs] {settings.local_dir / 'logs'}; stop everything with `make stop`")
    return 0
