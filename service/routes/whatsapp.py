"""WhatsApp Cloud API webhooks and sales closed in WhatsApp conversations (issue 7).

- `GET /webhooks/whatsapp`: Meta's subscription handshake (gateways.md §3.1). The verify token is ONE
  app-level setting (WHATSAPP_VERIFY_TOKEN): Meta's app has one callback URL and one verify token, and
  the URL carries no tenant. The challenge is echoed as text/plain; anything else is a 403.
- `POST /webhooks/whatsapp`: X-Hub-Signature-256 is checked over the RAW body bytes with the app secret
  (WHATSAPP_APP_SECRET, constant-time) before anything is parsed or stored; a mismatch is a 401 and only
  a tracking.rejected_requests row. Then ONE SQL call, whatsapp.ingest_webhook, routes the entries to
  their companies, stores and mirrors them, and answers 200 (also for numbers nobody connected: Meta
  retries non-200 answers for 7 days and a retry cannot help).
- `POST /api/v1/whatsapp/sales`: a sale closed in a conversation (API key), ONE SQL call,
  whatsapp.ingest_sale, which queues the business-messaging event through tracking.record_event.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re

from fastapi import APIRouter, Header, Request, Response
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from core.request_context import request_id_var
from service.body import declared_length, loads_storable, read_json_body
from service.errors import SQL_REFUSALS, ApiError, documented, error_response, sql_refusal
from service.schemas import WhatsAppNotificationStored, WhatsAppSaleRecorded, body_doc

router = APIRouter(tags=["whatsapp"])

MAX_WEBHOOK_BYTES = 3_000_000  # Meta's documented maximum payload (gateways.md §3.6)
SOURCE = "whatsapp"
CHALLENGE_RE = re.compile(r"^[A-Za-z0-9_.-]{1,256}$")
# a NUL escape (not preceded by an escaping backslash) cannot be stored in jsonb
NUL_ESCAPE_RE = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")
KEPT = ("user-agent", "content-type", "content-length", "x-forwarded-for")


def signature_of(raw: bytes, app_secret: str) -> str:
    """The X-Hub-Signature-256 value Meta sends: `sha256=` + hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(app_secret.encode(), raw, hashlib.sha256).hexdigest()


def signature_ok(header: str | None, raw: bytes, app_secret: str) -> bool:
    """Constant-time comparison; the hex digest is compared lower-cased (Meta sends lowercase)."""
    if not header or not header.startswith("sha256="):
        return False
    return hmac.compare_digest(signature_of(raw, app_secret).encode(), header.strip().lower().encode())


class WebhookPayload(BaseModel):
    """Meta's envelope (gateways.md §3.3-3.4): entry[].id is the WABA, changes[].value.metadata the number."""

    object: str = Field(examples=["whatsapp_business_account"])
    entry: list[dict] = Field(description="One per WABA: {id, changes: [{field: 'messages', value}]}")


class WhatsAppSale(BaseModel):
    conversation_id: int | None = Field(None, description="whatsapp.conversations.id (or give wa_id).")
    wa_id: str | None = Field(None, description="The customer's WhatsApp id: their latest conversation.")
    phone_number_id: str | None = Field(None, description="With wa_id: only this business number.")
    value: float | None = Field(None, ge=0, description="Required for Purchase.")
    currency: str = Field("BRL", pattern=r"^[A-Za-z]{3}$")
    event_name: str = Field("Purchase", description="A Meta business-messaging event name (meta_capi.md §6).")
    sale_ref: str | None = Field(None, max_length=200, description="Your id of the sale (or X-Idempotency-Key): "
                                 "the same sale posted twice sends once.")


async def _reject(request: Request, status: int, code: str, message: str, size: int) -> Response:
    async with request.app.state.pool.connection() as conn:
        await conn.execute("select tracking.reject(null, %s, %s, %s, %s, %s, %s)",
                           (SOURCE, request_id_var.get(), status, code, message, size))
    return error_response(status, code, message)


@router.get("/webhooks/whatsapp", summary="WhatsApp webhook verification (Meta's subscribe handshake)",
            response_class=PlainTextResponse,
            responses=documented({200: {"description": "The hub.challenge, as text/plain",
                                        "content": {"text/plain": {"schema": {"type": "string"}}}},
                                  403: {"description": "Wrong mode or verify token"}}, "text/plain"))
async def verify(request: Request) -> Response:
    q = request.query_params
    expected = request.app.state.settings.whatsapp_verify_token
    mode, token, challenge = q.get("hub.mode"), q.get("hub.verify_token") or "", q.get("hub.challenge") or ""
    if not expected:
        return await _reject(request, 403, "whatsapp_not_configured",
                             "WHATSAPP_VERIFY_TOKEN is not set on this server", 0)
    if mode != "subscribe" or not hmac.compare_digest(token.encode(), expected.encode()):
        return await _reject(request, 403, "verification_failed",
                             "hub.mode must be subscribe and hub.verify_token must match the configured token", 0)
    if not CHALLENGE_RE.match(challenge):
        return await _reject(request, 403, "verification_failed", "hub.challenge is missing or malformed", 0)
    return Response(challenge, media_type="text/plain", headers={"X-Content-Type-Options": "nosniff"})


async def _raw_body(request: Request) -> bytes:
    if declared_length(request) > MAX_WEBHOOK_BYTES:
        raise ApiError(413, "body_too_large", "the body is over 3 MB")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_WEBHOOK_BYTES:
            raise ApiError(413, "body_too_large", "the body is over 3 MB")
        chunks.append(chunk)
    return b"".join(chunks)


@router.post("/webhooks/whatsapp", openapi_extra=body_doc(WebhookPayload), response_model=WhatsAppNotificationStored,
             summary="WhatsApp Cloud API webhook (X-Hub-Signature-256 with the app secret)",
             responses=documented({
                200: {"description": "Signed: stored (or kept as unrouted) and mirrored"},
                400: {"description": "Signed but not a JSON object"},
                401: {"description": "Missing or wrong X-Hub-Signature-256; nothing stored"},
                413: {"description": "Body over 3 MB"},
                422: {"description": "A value that cannot be stored"},
                503: {"description": "No app secret configured, or the database is unavailable"}}))
async def webhook(request: Request, x_hub_signature_256: str | None = Header(None)) -> Response:
    try:
        raw = await _raw_body(request)
    except ApiError as exc:
        return await _reject(request, exc.status, exc.code, exc.message,
                             declared_length(request))
    secret = request.app.state.settings.whatsapp_app_secret
    if not secret:
        return await _reject(request, 503, "whatsapp_not_configured",
                             "WHATSAPP_APP_SECRET is not set on this server; nothing was stored", len(raw))
    if not signature_ok(x_hub_signature_256, raw, secret):
        return await _reject(request, 401, "bad_signature",
                             "X-Hub-Signature-256 is missing or does not match the body signed with the app secret",
                             len(raw))
    try:
        text = raw.decode("utf-8")
        if not isinstance(loads_storable(text), dict):
            raise ValueError
    except (UnicodeDecodeError, ValueError, RecursionError):
        return await _reject(request, 400, "malformed_json", "the body is not a UTF-8 JSON object", len(raw))
    if "\\u0000" in text:
        text = NUL_ESCAPE_RE.sub(r"\1", text)
    headers = json.dumps({k: request.headers[k] for k in KEPT if k in request.headers})
    try:
        async with request.app.state.pool.connection() as conn:
            cur = await conn.execute(
                "select http_status, response::text from whatsapp.ingest_webhook(%s, %s::jsonb, %s)",
                (text, headers, request_id_var.get()))
            status, body = await cur.fetchone()
    except SQL_REFUSALS as exc:
        refusal = sql_refusal(exc)
        return await _reject(request, refusal.status, refusal.code, refusal.message, len(raw))
    return Response(body, status_code=status, media_type="application/json")


def _api_key_hash(authorization: str | None, x_api_key: str | None) -> str:
    key = x_api_key or (authorization[7:].strip() if authorization and authorization[:7].lower() == "bearer " else "")
    return hashlib.sha256(key.encode()).hexdigest()


@router.post("/api/v1/whatsapp/sales", status_code=201, openapi_extra=body_doc(WhatsAppSale),
             response_model=WhatsAppSaleRecorded,
             summary="A sale closed in a WhatsApp conversation -> one business-messaging event (API key)",
             responses=documented({
                200: {"description": "Already recorded: the same answer, nothing sent again",
                      "model": WhatsAppSaleRecorded},
                201: {"description": "Recorded and queued for Meta"},
                401: {"description": "Missing, unknown or revoked API key"},
                404: {"description": "No such conversation"},
                409: {"description": "sale_ref already used with another conversation or value"},
                422: {"description": "Invalid fields, an event name Meta does not allow for business "
                                     "messaging, or a conversation that came from no ad, or whose ad "
                                     "click is older than the company's click window (7 days)"}}))
async def sale(request: Request, authorization: str | None = Header(None), x_api_key: str | None = Header(None),
               x_idempotency_key: str | None = Header(None)) -> Response:
    try:
        body = await read_json_body(request)
    except ApiError as exc:
        return await _reject(request, exc.status, exc.code, exc.message,
                             declared_length(request))
    try:
        async with request.app.state.pool.connection() as conn:
            cur = await conn.execute(
                "select http_status, response::text from whatsapp.ingest_sale(%s, %s, %s, %s)",
                (_api_key_hash(authorization, x_api_key), body, x_idempotency_key, request_id_var.get()))
            status, answer = await cur.fetchone()
    except SQL_REFUSALS as exc:
        refusal = sql_refusal(exc)
        return await _reject(request, refusal.status, refusal.code, refusal.message, len(body.encode()))
    return Response(answer, status_code=status, media_type="application/json")
