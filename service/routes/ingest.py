"""Ingestion endpoints. Each one reads and checks the body, then makes ONE call to a SQL function that
authenticates, stores the inbound row, processes it (or queues it for the ingest worker) and answers
(status, body). Nothing is acknowledged before it is committed."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable

from fastapi import APIRouter, Header, Request, Response
from psycopg_pool import AsyncConnectionPool

from core.request_context import request_id_var
from core.secrets import Keyring, SecretError
from service import gateways
from service.body import declared_length, kept_headers, read_gateway_body, read_json_body
from service.client_ip import client_ip
from service.errors import SQL_REFUSALS, ApiError, documented, error_response, sql_refusal
from service.group_commit import GroupCommit
from service.schemas import (
    BrowserEvent,
    BrowserEventRecorded,
    BusinessEvent,
    Conversion,
    EventRecorded,
    GatewayNotification,
    LeadCapture,
    NoMetaEvent,
    NotificationStored,
    PurchaseRecord,
    UtmifyOrder,
    body_doc,
)
from service.signatures import verify_hmac_hex, verify_mercadopago

router = APIRouter(tags=["ingestion"])
log = logging.getLogger("trackai.api")

# Success bodies are declared as response_model for the documentation only: each route returns the Response
# its SQL function's answer became, which FastAPI passes through unvalidated (and the webhook route is served
# past FastAPI altogether, service.hot_routes), so declaring them costs no request anything.
ANSWERS = documented({
    400: {"description": "Malformed JSON"},
    401: {"description": "Bad token, signature or API key"},
    404: {"description": "Unknown endpoint key"},
    413: {"description": "Body over 1 MB"},
    415: {"description": "Not application/json"},
    422: {"description": "Missing or invalid fields"},
    503: {"description": "Database unavailable; nothing stored"},
})


async def _sql_answer(request: Request, query: str, params: tuple, source: str) -> Response:
    async def one_call() -> tuple:
        async with request.app.state.pool.connection() as conn:
            return await (await conn.execute(query, params)).fetchone()

    return await _answer(request, source, one_call())


async def _answer(request: Request, source: str, call: Awaitable[tuple]) -> Response:
    """The (status, body) the SQL function gave, as the response."""
    try:
        status, body = await call
    except SQL_REFUSALS as exc:  # input SQL could not take: rolled back, logged as a rejection, a 4xx
        refusal = sql_refusal(exc)
        await _log_rejection(request, source, refusal)
        raise refusal from None
    return Response(body, status_code=status, media_type="application/json")


async def _body_or_reject(request: Request, source: str) -> str:
    """The JSON body; a refused one is logged in tracking.rejected_requests before the 4xx."""
    try:
        return await read_json_body(request)
    except ApiError as exc:
        await _log_rejection(request, source, exc)
        raise


async def _log_rejection(request: Request, source: str, exc: ApiError, company_id: str | None = None) -> None:
    """A refusal, with the company when it is known (a bad signature on a known webhook): a setup session
    learns of it at once (trigger on tracking.rejected_requests)."""
    async with request.app.state.pool.connection() as conn:
        await conn.execute(
            "select tracking.reject(%s::uuid, %s, %s, %s, %s, %s, %s)",
            (company_id, source, request_id_var.get(), exc.status, exc.code, exc.message, declared_length(request)),
        )


@router.post("/webhooks/{gateway}/{endpoint_key}", response_model=NotificationStored, responses=ANSWERS,
             openapi_extra=body_doc(GatewayNotification),
             summary="A checkout's sale notification: perfectpay, hotmart, kiwify, eduzz, monetizze, braip, kirvano, "
                     "ticto (each authenticated the way its platform does; tracking.gateways)")
async def gateway_webhook(gateway: str, endpoint_key: str, request: Request) -> Response:
    known = await gateways.of(request.app)
    config = known.get(gateway)
    if config is None or gateway == "utmify":
        raise ApiError(404, "unknown_gateway", f"Track AI takes no notifications from {gateway!r} at this URL;"
                       f" it knows {', '.join(sorted(g for g in known if g != 'utmify'))}")
    if config.auth == "mercadopago":
        return await _mercadopago(endpoint_key, request)
    return await _gateway_notification(config, endpoint_key, request)


@router.post("/api/v1/orders", response_model=NotificationStored, responses=ANSWERS,
             openapi_extra=body_doc(UtmifyOrder),
             summary="An order in Utmify's send-orders format (x-api-token: the company's orders token)")
async def utmify_order(request: Request) -> Response:
    return await _gateway_notification((await gateways.of(request.app))["utmify"], None, request)


async def _gateway_notification(config: gateways.Gateway, endpoint_key: str | None, request: Request) -> Response:
    source = config.gateway
    try:
        raw, body, parsed = await read_gateway_body(request, config.body_format)
    except ApiError as exc:
        await _log_rejection(request, source, exc)
        raise
    credential = config.credential(request, parsed)
    if config.auth != "token":
        await _verify_signature(config, endpoint_key, request, raw, credential)
    # stored together with the notifications arriving meanwhile (service/group_commit.py): one commit for all
    return await _answer(request, source, _webhook_commit(request.app, source).submit(
        (endpoint_key, body, credential if config.auth == "token" else None, kept_headers(request),
         request_id_var.get())))


async def _verify_signature(config: gateways.Gateway, endpoint_key: str, request: Request, raw: bytes,
                            signature: str | None) -> None:
    """A signature gateway's HMAC over the raw bytes, with the company's decrypted secret. An unknown key
    goes on: the batch answers it 404 like any other."""
    async with request.app.state.pool.connection() as conn:
        row = await (await conn.execute(
            "select company_id::text, key_id, ciphertext from tracking.endpoint_secret(%s, %s, %s)",
            (endpoint_key, config.gateway, config.secret_kind))).fetchone()
    if row is None:
        return
    company_id, key_id, ciphertext = row
    if ciphertext is None:
        raise ApiError(409, "webhook_secret_missing", f"this company has no {config.label} "
                       f"{config.credential_label} saved; add it in the setup")
    secret = _decrypt(request, key_id, ciphertext, company_id, config.secret_kind)
    algorithm = config.auth.removeprefix("hmac_").removesuffix("_hex")
    if not verify_hmac_hex(algorithm, raw, signature, secret):
        exc = ApiError(401, "bad_signature", f"{config.names_where()} is not the {algorithm.upper()} HMAC of the "
                       f"body with the {config.label} {config.credential_label} saved for this company"
                       if signature else f"no signature: {config.label} sends it in {config.names_where()}")
        await _log_rejection(request, config.gateway, exc, company_id)
        raise exc


def _decrypt(request: Request, key_id: str, ciphertext: bytes, company_id: str, kind: str) -> str:
    """The company's webhook secret. When this server cannot decrypt it, the caller (unauthenticated) learns
    only that; which company and key is logged for the operator (SecretError names them, never the secret)."""
    try:
        return Keyring.parse(request.app.state.settings.secret_key).decrypt(key_id, ciphertext, company_id, kind)
    except SecretError as exc:
        log.error("webhook secret unavailable", extra={"company_id": company_id, "secret_kind": kind,
                                                       "key_id": key_id, "error": str(exc)})
        raise ApiError(503, "secret_unavailable", "this server cannot read the webhook secret saved for this "
                       "endpoint; nothing was stored, and the operator has been told") from None


# webhook traffic: served by service.hot_routes, past FastAPI's routing
HOT_ENDPOINTS = (gateway_webhook,)


def _webhook_commit(app, gateway: str) -> GroupCommit:
    """The gateway's group commit, made on first use."""
    commits = app.state.webhook_commits
    if gateway not in commits:
        commits[gateway] = GroupCommit(
            app.state.pool, "select ord, http_status, response::text from tracking.ingest_webhook_batch("
                            "%s, %b::text[], %b::text[], %b::text[], %b::text[]::jsonb[], %b::text[])",
            fixed=(gateway,))
    return commits[gateway]


def collector_group_commit(pool: AsyncConnectionPool) -> GroupCommit:
    return GroupCommit(pool, "select ord, http_status, response::text from tracking.ingest_collect_batch("
                             "%b::text[], %b::text[], %b::text[], %b::text[], %b::text[], %b::text[])")


async def _mercadopago(endpoint_key: str, request: Request) -> Response:
    """Mercado Pago: x-signature over a manifest of the notification (gateways.md §2.2); the payment is
    fetched by its worker."""
    x_signature, x_request_id = request.headers.get("x-signature"), request.headers.get("x-request-id")
    body = await _body_or_reject(request, "mercadopago")
    async with request.app.state.pool.connection() as conn:
        # the replay window is judged by the database's clock, not this server's
        row = await (await conn.execute(
            "select company_id::text, key_id, ciphertext, extract(epoch from app.now())::float8"
            " from tracking.endpoint_secret(%s, 'mercadopago', 'mercadopago_webhook_secret')",
            (endpoint_key,))).fetchone()
    if row is None:
        exc = ApiError(404, "unknown_endpoint", "no Mercado Pago webhook has this URL")
        await _log_rejection(request, "mercadopago", exc)
        raise exc
    company_id, key_id, ciphertext, db_now = row
    if ciphertext is None:
        raise ApiError(409, "webhook_secret_missing",
                       "this company has no Mercado Pago webhook secret saved; add it in the setup")
    secret = _decrypt(request, key_id, ciphertext, company_id, "mercadopago_webhook_secret")
    signed_id = request.query_params.get("data.id")
    problem = verify_mercadopago(x_signature, x_request_id, signed_id, secret, db_now)
    if problem:
        exc = ApiError(401, problem, "the x-signature header does not match this notification"
                       if problem == "bad_signature" else "the x-signature timestamp is outside the replay window")
        await _log_rejection(request, "mercadopago", exc, company_id)
        raise exc
    if exc := _unsigned_payment_id(signed_id, json.loads(body).get("data")):
        await _log_rejection(request, "mercadopago", exc, company_id)
        raise exc
    return await _sql_answer(
        request,
        "select http_status, response::text from tracking.ingest_mercadopago(%s, %s, %s::jsonb, %s)",
        (endpoint_key, body, kept_headers(request), request_id_var.get()), "mercadopago",
    )


def _unsigned_payment_id(signed_id: str | None, data) -> ApiError | None:
    """The worker fetches the body's data.id while the signature covers the query's: they must be the same
    payment id (digits), or a validly signed notification could make the worker fetch another payment."""
    body_id = data.get("id") if isinstance(data, dict) else None  # any JSON: data may be a string or a list
    body_id = str(body_id) if isinstance(body_id, str | int) and not isinstance(body_id, bool) else None
    if not (signed_id and signed_id.isascii() and signed_id.isdigit()):
        return ApiError(422, "invalid_data_id", "the data.id query parameter (the one x-signature covers) must be "
                        "the numeric payment id", {"fields": [{"field": "query.data.id", "problem": "not numeric"}]})
    if body_id != signed_id:
        return ApiError(422, "data_id_mismatch", "data.id in the body must equal the data.id query parameter that "
                        "x-signature covers", {"fields": [{"field": "body.data.id", "problem": "differs from query"}]})
    return None


def _cors_headers(origin: str | None) -> dict:
    if not origin:
        return {}
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin",
            "Access-Control-Allow-Methods": "POST, OPTIONS",
            "Access-Control-Allow-Headers": "content-type", "Access-Control-Max-Age": "600"}


@router.options("/collect", include_in_schema=False)
async def collect_preflight(request: Request, key: str = "") -> Response:
    origin = request.headers.get("origin")
    async with request.app.state.pool.connection() as conn:
        allowed = (await (await conn.execute(
            "select tracking.collector_origin_allowed(%s, %s)", (key, origin or ""))).fetchone())[0]
    if not allowed:
        return error_response(403, "origin_not_allowed", "this site is not registered for the company")
    return Response(status_code=204, headers=_cors_headers(origin))


@router.post("/collect", status_code=202, response_model=BrowserEventRecorded,
             responses={**ANSWERS, **documented({403: {"description": "Origin not registered for the company"}})},
             openapi_extra=body_doc(BrowserEvent),
             summary="Browser events from the landing snippet (keyed by the public collector key)")
async def collect(request: Request, key: str) -> Response:
    # the snippet posts with sendBeacon, which sends text/plain: accept it as JSON here
    try:
        body = await read_json_body(request, allow_form=True)
    except ApiError as exc:
        await _log_rejection(request, "collector", exc)
        raise
    origin = request.headers.get("origin")
    # recorded together with the browser events arriving meanwhile (service/group_commit.py)
    resp = await _answer(request, "collector", request.app.state.collector_commit.submit(
        (key, origin, body, client_ip(request), request.headers.get("user-agent"), request_id_var.get())))
    if resp.status_code < 400:
        resp.headers.update(_cors_headers(origin))
    return resp


def _api_key_hash(authorization: str | None, x_api_key: str | None) -> str:
    key = x_api_key or (authorization[7:].strip() if authorization and authorization[:7].lower() == "bearer " else "")
    return hashlib.sha256(key.encode()).hexdigest()


async def _api(request: Request, kind: str, source: str, authorization: str | None, x_api_key: str | None,
               idempotency_key: str | None) -> Response:
    body = await _body_or_reject(request, source)
    if idempotency_key is not None and not (1 <= len(idempotency_key) <= 200):
        raise ApiError(422, "invalid_idempotency_key", "X-Idempotency-Key must be 1 to 200 characters")
    return await _sql_answer(
        request,
        "select http_status, response::text from tracking.ingest_api(%s, %s, %s, %s, %s)",
        (_api_key_hash(authorization, x_api_key), kind, body, idempotency_key, request_id_var.get()), source,
    )


API_ANSWERS = {**ANSWERS, **documented({409: {"description": "Already recorded (the error names its event_id)"}})}


@router.post("/api/meta/conversions", status_code=201, response_model=EventRecorded, responses=API_ANSWERS,
             openapi_extra=body_doc(Conversion),
             summary="A server event for Meta (API key; X-Idempotency-Key honoured)")
async def api_conversion(request: Request, authorization: str | None = Header(None),
                         x_api_key: str | None = Header(None),
                         x_idempotency_key: str | None = Header(None)) -> Response:
    return await _api(request, "conversion", "api", authorization, x_api_key, x_idempotency_key)


@router.post("/api/leads/capture", status_code=201, response_model=EventRecorded, responses=API_ANSWERS,
             openapi_extra=body_doc(LeadCapture),
             summary="A lead captured by the company's own systems")
async def api_lead(request: Request, authorization: str | None = Header(None),
                   x_api_key: str | None = Header(None),
                   x_idempotency_key: str | None = Header(None)) -> Response:
    return await _api(request, "lead", "api", authorization, x_api_key, x_idempotency_key)


@router.post("/api/purchases/record", status_code=201, response_model=EventRecorded, responses=API_ANSWERS,
             openapi_extra=body_doc(PurchaseRecord), summary="A purchase recorded by the company's own systems")
async def api_purchase(request: Request, authorization: str | None = Header(None),
                       x_api_key: str | None = Header(None),
                       x_idempotency_key: str | None = Header(None)) -> Response:
    return await _api(request, "purchase", "api", authorization, x_api_key, x_idempotency_key)


@router.post("/api/v1/conversions", status_code=202, response_model=EventRecorded | NoMetaEvent, responses=ANSWERS,
             openapi_extra=body_doc(BusinessEvent),
             summary="CRM business events, mapped per company to Meta events")
async def api_business_event(request: Request, authorization: str | None = Header(None),
                             x_api_key: str | None = Header(None),
                             x_idempotency_key: str | None = Header(None)) -> Response:
    return await _api(request, "crm", "crm", authorization, x_api_key, x_idempotency_key)
