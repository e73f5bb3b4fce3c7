"""What each onboarding step does at the providers. Which step runs when, and what a failure means,
is decided in SQL (setup.advance, setup.report_step, setup.diagnosis_rules); a step here only acts and
returns its result, or raises ProviderError with a code from that rule table.

Every step is idempotent: it looks for what exists (by name) before it creates, so re-running a
completed session creates nothing new at any provider.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import psycopg

from core.settings import Settings
from core.urls import collector_url, webhook_url
from jobs import landing_page, templates
from jobs.meta_client import MetaAnswer, MetaClient
from jobs.providers import cloudflare, gtm, stape
from jobs.providers.errors import ProviderError

THROTTLE_CODES = {4, 17, 32, 613, 80004}
TEST_EVENT_WAIT_S = 10.0


@dataclass
class StepContext:
    settings: Settings
    dsn: str
    name: str
    session: dict[str, Any]
    results: dict[str, dict]
    secret: Callable[[str], str | None]
    meta: MetaClient
    gtm: gtm.GtmClient | None

    @property
    def zone_name(self) -> str:
        return self.session["tracking_domain"].split(".", 1)[1]

    @property
    def resource_name(self) -> str:
        # provider-side names are the natural keys of idempotency: one per company
        return f"trackai-{self.session['company_id'][:8]}"

    def require_secret(self, kind: str, code: str) -> str:
        value = self.secret(kind)
        if not value:
            raise ProviderError(code, f"no {kind.replace('_', ' ')} was given")
        return value

    def require_gtm(self) -> gtm.GtmClient:
        if self.gtm is None:
            raise ProviderError("gtm.unauthorized", "GTM_SERVICE_ACCOUNT_JSON and GTM_ACCOUNT_ID are not configured")
        return self.gtm


def meta_failure(answer: MetaAnswer) -> ProviderError:
    """Meta's answer to the pixel check, as a diagnosis code (meta_capi.md §5, §8)."""
    if answer.failure == "timeout":
        return ProviderError("network.timeout", "Meta did not answer in time")
    if answer.failure:
        return ProviderError("network.unreachable", "Meta could not be reached")
    try:
        err = json.loads(answer.body or "{}").get("error") or {}
    except ValueError:
        err = {}
    code, message = err.get("code"), str(err.get("message", ""))[:300]
    if code == 190:
        return ProviderError("meta.token_invalid", message, answer.http_status)
    if code in THROTTLE_CODES or answer.http_status == 429:
        return ProviderError("meta.rate_limited", message, answer.http_status)
    if (answer.http_status or 500) >= 500 or code in (1, 2):
        return ProviderError("meta.unavailable", message, answer.http_status)
    return ProviderError("meta.pixel_not_accessible", message, answer.http_status)


async def validate_meta(ctx: StepContext) -> dict:
    token = ctx.require_secret("meta_capi_token", "meta.token_invalid")
    answer = await asyncio.to_thread(ctx.meta.get_pixel, ctx.session["pixel_id"], token)
    if answer.http_status != 200:
        raise meta_failure(answer)
    pixel = json.loads(answer.body or "{}")
    return {"pixel_id": pixel.get("id"), "pixel_name": pixel.get("name"),
            "last_fired_time": pixel.get("last_fired_time")}


async def validate_gateway(ctx: StepContext) -> dict:
    """Any gateway of tracking.gateways: its credential is saved (and, for a token gateway, its digest is on
    the endpoint), Mercado Pago's access token works, and no notification was refused for its token or
    signature since the credential was given (setup.gateway_refusals_since_secret)."""
    with psycopg.connect(ctx.dsn) as conn:
        secret_kind, label, digest_missing, refused, last_refusal = conn.execute(
            "select secret_kind, label, token_digest_missing, refused, last_message"
            " from setup.gateway_refusals_since_secret(%s)", (ctx.session["id"],)).fetchone()
    ctx.require_secret(secret_kind, "gateway.secret_missing")
    if digest_missing:
        raise ProviderError("gateway.secret_missing", f"the {label} webhook has no token to compare notifications with")
    if ctx.session["gateway"] == "mercadopago":
        token = ctx.require_secret("mercadopago_access_token", "gateway.credentials_invalid")
        # a valid token gets 404 for a payment that does not exist; an invalid one gets 401
        try:
            async with httpx.AsyncClient(base_url=ctx.settings.mercadopago_api_url, timeout=10) as http:
                resp = await http.get("/v1/payments/1", headers={"authorization": f"Bearer {token}"})
        except httpx.TimeoutException:
            raise ProviderError("network.timeout", "Mercado Pago did not answer in time") from None
        except httpx.HTTPError:
            raise ProviderError("network.unreachable", "Mercado Pago could not be reached") from None
        if resp.status_code in (401, 403):
            raise ProviderError("gateway.credentials_invalid", "Mercado Pago refused the access token", 401)
        if resp.status_code >= 500:
            raise ProviderError("network.unreachable", f"Mercado Pago answered {resp.status_code}")
    if refused:
        raise ProviderError("gateway.token_mismatch", f"{refused} {label} notification(s) refused since the "
                                                      f"credential was given; the latest: {last_refusal}")
    return {"gateway": ctx.session["gateway"]}


async def validate_landing(ctx: StepContext) -> dict:
    page = await landing_page.fetch(ctx.session["landing_url"], allow_private=ctx.settings.setup_allow_private_urls)
    gtm_web = ctx.results.get("provision_gtm_web", {}).get("public_id")
    return landing_page.check_install(page, ctx.session["pixel_id"], ctx.session["collector_key"], gtm_web)


def _cloudflare(ctx: StepContext):
    token = ctx.require_secret("cloudflare_api_token", "cloudflare.unauthorized")
    return cloudflare.make_client(token, base_url=ctx.settings.cloudflare_api_url)


async def validate_cloudflare(ctx: StepContext) -> dict:
    return {"zone_id": await cloudflare.find_zone(_cloudflare(ctx), ctx.zone_name), "zone": ctx.zone_name}


async def validate_gtm_access(ctx: StepContext) -> dict:
    return {"account": await ctx.require_gtm().check_access()}


async def provision_gtm_server(ctx: StepContext) -> dict:
    return await ctx.require_gtm().ensure_server_container(
        f"{ctx.resource_name} server", f"https://{ctx.session['tracking_domain']}")


def _stape(ctx: StepContext) -> stape.StapeClient:
    if not ctx.settings.stape_api_key:
        raise ProviderError("stape.unauthorized", "STAPE_API_KEY is not configured")
    return stape.StapeClient(ctx.settings.stape_api_key, ctx.settings.stape_api_url)


async def provision_stape(ctx: StepContext) -> dict:
    client = _stape(ctx)
    config = ctx.results["provision_gtm_server"]["container_config"]
    container = await client.ensure_container(ctx.resource_name, config, ctx.settings.stape_zone)
    await client.wait_running(container["identifier"], ctx.settings.provision_poll_timeout_s,
                              ctx.settings.provision_poll_interval_s)
    domain = await client.ensure_domain(container["identifier"], ctx.session["tracking_domain"])
    return {"container": container["identifier"], "stape_domain": container.get("stape_domain"),
            "domain": domain["identifier"], "cname_host": domain["cname_host"],
            "cname_target": domain["cname_target"]}


async def provision_dns(ctx: StepContext) -> dict:
    made = ctx.results["provision_stape"]
    record = await cloudflare.ensure_cname(_cloudflare(ctx), ctx.results["validate_cloudflare"]["zone_id"],
                                           ctx.session["tracking_domain"], made["cname_target"])
    client = _stape(ctx)
    await client.revalidate_domain(made["container"], made["domain"])
    await client.wait_domain_ready(made["container"], made["domain"], ctx.settings.provision_poll_timeout_s,
                                   ctx.settings.provision_poll_interval_s)
    return {"record_id": record["record_id"], "target": made["cname_target"], "ready": True}


async def provision_gtm_web(ctx: StepContext) -> dict:
    """The web container, whose one tag is the rendered landing snippet; its importable export is kept
    as a versioned render beside the snippet."""
    client = ctx.require_gtm()
    version = ctx.results["render_snippet"]["landing_snippet"]["version"]
    with psycopg.connect(ctx.dsn, autocommit=True) as conn:
        snippet = conn.execute("select body from setup.renders where company_id = %s and kind = 'landing_snippet'"
                               " and version = %s", (ctx.session["company_id"], version)).fetchone()[0]
        args = (f"{ctx.resource_name} web", ctx.session["pixel_id"], collector_url(ctx.settings),
                f"https://{ctx.session['tracking_domain']}")
        made = await client.ensure_web_container(*args, tag_html=f"<script>{snippet}</script>")
        export = client.web_container_export(*args, public_id=made["public_id"], container_id=made["container_id"],
                                             tag_html=f"<script>{snippet}</script>")
        body = json.dumps(export, indent=2, ensure_ascii=False)
        # hashed without its exportTime: the same container is the same version
        digest = hashlib.sha256(json.dumps({**export, "exportTime": None}, sort_keys=True).encode()).hexdigest()
        inputs = {"snippet_version": version, "public_id": made["public_id"]}
        made["export_version"] = conn.execute(
            "select version from setup.record_render(%s, 'gtm_web_export', %s::jsonb, %s, %s, 'setup-worker')",
            (ctx.session["company_id"], json.dumps(inputs), body, digest)).fetchone()[0]
    return made


def checkouts(conn: psycopg.Connection) -> dict[str, dict]:
    """Every gateway's checkout hosts and the parameters its checkout carries to its notification (its
    row of tracking.gateways): the landing snippet decorates links to any of them, since a seller may
    sell on several."""
    rows = conn.execute("select gateway, checkout_hosts, visitor_params from tracking.gateways"
                        " order by gateway").fetchall()
    return {gateway: {"hosts": hosts, "params": params} for gateway, hosts, params in rows}


def render_inputs(conn: psycopg.Connection, settings: Settings, session: dict) -> dict[str, dict]:
    """The inputs of every template a session renders (the API shows the same ones)."""
    every = checkouts(conn)
    own = every[session["gateway"]]  # setup.sessions.gateway references tracking.gateways
    snippet = {"pixel_id": session["pixel_id"], "collector_url": collector_url(settings),
               "collector_key": session["collector_key"], "gateway": session["gateway"], "checkouts": every}
    return {
        "landing_snippet": snippet,
        "webhook_instructions": {"gateway": session["gateway"], "webhook_url": webhook_url(settings, session),
                                 "checkout_hosts": own["hosts"], "visitor_params": own["params"]},
    }


def store_renders(conn: psycopg.Connection, settings: Settings, session: dict, author: str) -> dict:
    out = {}
    for kind, inputs in render_inputs(conn, settings, session).items():
        rendered = templates.render(kind, inputs)
        version, sha, created = conn.execute(
            "select version, sha256, created from setup.record_render(%s, %s, %s::jsonb, %s, %s, %s)",
            (session["company_id"], kind, json.dumps(rendered.inputs), rendered.body, rendered.sha256,
             author)).fetchone()
        out[kind] = {"version": version, "sha256": sha, "new": created}
    return out


async def render_snippet(ctx: StepContext) -> dict:
    def work() -> dict:
        with psycopg.connect(ctx.dsn, autocommit=True) as conn:
            return store_renders(conn, ctx.settings, ctx.session, "setup-worker")
    return await asyncio.to_thread(work)


async def test_event(ctx: StepContext) -> dict:
    """Perfect Pay: a gateway-shaped test postback through the tenant's public webhook, then its fate at
    Meta. Mercado Pago: the lead's own test purchase (a payment cannot be invented), awaited. Every other
    gateway: the platform's own test (its Test button) or first notification, awaited."""
    if ctx.session["gateway"] == "mercadopago":
        return await _await_test_purchase(ctx)
    if ctx.session["gateway"] != "perfectpay":
        return await _await_platform_test(ctx)
    token = ctx.require_secret("perfectpay_token", "gateway.secret_missing")
    with psycopg.connect(ctx.dsn) as conn:
        body = conn.execute("select setup.test_postback(%s)", (ctx.session["id"],)).fetchone()[0]
    body["token"] = token
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            resp = await http.post(webhook_url(ctx.settings, ctx.session), json=body)
    except httpx.HTTPError:
        raise ProviderError("network.unreachable", "the tenant's webhook URL could not be reached") from None
    if resp.status_code >= 400:
        code = (resp.json().get("error") or {}).get("code", resp.status_code)
        raise ProviderError("test_event.rejected", f"the webhook answered {resp.status_code} ({code})")
    event_id = resp.json().get("event_id")
    deadline = asyncio.get_running_loop().time() + TEST_EVENT_WAIT_S
    while True:
        with psycopg.connect(ctx.dsn) as conn:
            row = conn.execute("select status, fbtrace_id, match_quality, last_error"
                               " from setup.test_event_delivery(%s, %s)", (ctx.session["id"], event_id)).fetchone()
        if row and row[0] == "sent":
            return _delivered(ctx, event_id, row[1], row[2])
        if asyncio.get_running_loop().time() > deadline:
            state = row[0] if row else "not recorded"
            raise ProviderError("test_event.not_delivered", f"event {event_id} is {state}")
        await asyncio.sleep(0.25)


async def _await_test_purchase(ctx: StepContext) -> dict:
    with psycopg.connect(ctx.dsn) as conn:
        row = conn.execute("select event_id, status, fbtrace_id, match_quality from setup.latest_gateway_event(%s)",
                           (ctx.session["id"],)).fetchone()
    if row is None:
        raise ProviderError("test_event.awaiting_purchase", "no Mercado Pago payment has been notified yet")
    if row[1] != "sent":
        raise ProviderError("test_event.not_delivered", f"event {row[0]} is {row[1]}")
    return _delivered(ctx, row[0], row[2], row[3])


async def _await_platform_test(ctx: StepContext) -> dict:
    """A notification only the platform can send: retried by itself (the diagnosis per gateway says what to
    press) until one has reached this session's webhook and made an event that reached Meta. What arrived
    is said in the step's message, or in its result."""
    with psycopg.connect(ctx.dsn) as conn:
        n = conn.execute(
            "select awaiting_code, label, inbound_id, received_at, inbound_status, flags, error, event_id,"
            " event_name, event_status, fbtrace_id, match_quality"
            " from setup.gateway_test_notification(%s)", (ctx.session["id"],)).fetchone()
    (awaiting, label, inbound_id, received_at, inbound_status, flags, error, event_id, event_name, event_status,
     fbtrace_id, match_quality) = n
    if inbound_id is None:
        raise ProviderError(awaiting, f"no {label} notification has reached this webhook yet")
    arrived = (f"{label} notification {inbound_id} arrived at {received_at.isoformat(timespec='seconds')}"
               + (f" flagged {', '.join(flags)}" if flags else ""))
    if event_id is None:
        why = (f"it could not be read ({error})" if inbound_status == "failed" else
               "it is still being processed" if inbound_status == "received" else
               "it makes no event for Meta (a ping, an abandoned cart or a status with no event)")
        raise ProviderError(awaiting, f"{arrived}, but {why}")
    if event_status != "sent":
        raise ProviderError("test_event.not_delivered", f"{arrived}: event {event_id} ({event_name}) is {event_status}")
    return {**_delivered(ctx, event_id, fbtrace_id, match_quality), "event_name": event_name,
            "notification": {"inbound_id": inbound_id, "flags": list(flags or []),
                                                           "received_at": received_at.isoformat()}}


def _delivered(ctx: StepContext, event_id: str, fbtrace_id: str | None, match_quality) -> dict:
    return {"event_id": event_id, "fbtrace_id": fbtrace_id, "match_quality": float(match_quality),
            "test_event_code": ctx.session["test_event_code"]}


STEPS: dict[str, Callable[[StepContext], Awaitable[dict]]] = {
    "validate_meta": validate_meta,
    "validate_gateway": validate_gateway,
    "validate_landing": validate_landing,
    "validate_cloudflare": validate_cloudflare,
    "validate_gtm_access": validate_gtm_access,
    "provision_gtm_server": provision_gtm_server,
    "provision_stape": provision_stape,
    "provision_dns": provision_dns,
    "provision_gtm_web": provision_gtm_web,
    "render_snippet": render_snippet,
    "test_event": test_event,
}
