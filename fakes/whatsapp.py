"""A local fake of the WhatsApp Cloud API's webhook side: it builds real-shaped notifications, SIGNS them
the way Meta does and posts them to our endpoint (/work/shared/reference/gateways.md §3).

- Envelope (§3.3): `object: whatsapp_business_account`, `entry[].id` = WABA id, `changes[].field =
  messages`, `value.metadata.{display_phone_number, phone_number_id}`, `value.contacts[]`,
  `value.messages[]` / `value.statuses[]`.
- Signature (§3.2): `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app secret>`.
  Bodies are serialised like Meta's (non-ASCII escaped), and the exact bytes sent are the bytes signed.
- Messages: text (optionally with the click-to-WhatsApp `referral` of §3.3, shaped like Meta's CTWA
  example), image, audio, video, document, sticker, location, contacts, button, interactive, reaction.
- Statuses (§3.4): sent (with conversation + pricing), delivered, read, played, failed (errors[] with
  code 131049 by default); any order, so receivers can be tested against out-of-order delivery.

In-process (tests): any httpx.Client works, including FastAPI's TestClient with a relative url:

    wa = WhatsAppFake("/webhooks/whatsapp", "app-secret", client=test_client)
    sent = wa.inbound_text("5531988887777", "Quero saber o preço", name="Maria", referral=referral())
    wa.statuses(our_wamid, "5531988887777", "read", "sent")      # out of order on purpose
    wa.verify("verify-token")                                     # GET handshake

As a process (sandbox): `python -m fakes.whatsapp --port 8103 --target http://127.0.0.1:8000/webhooks/whatsapp
--app-secret S`, driven over HTTP under `/_fake/...` (see `_control_routes`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fakes import base

# Meta's examples (gateways.md §3.7)
DEFAULT_WABA_ID = "102290129340398"
DEFAULT_PHONE_NUMBER_ID = "106540352242922"
DEFAULT_DISPLAY_PHONE_NUMBER = "15550783881"
EXAMPLE_CTWA_CLID = ("Aff-n8ZTODiE79d22KtAwQKj9e_mIEOOj27vDVwFjN80dp4_0NiNhEgpGo0AHemvuSoifXaytfTzcchptiErTKCqTrJ5n"
                     "W1h7IHYeYymGb5K5J5iTROpBhWAGaIAeUzHL50")
EXAMPLE_AD_ID = "120226305854810726"

STATUSES = ("sent", "delivered", "read", "played", "failed")
MESSAGE_TYPES = ("text", "image", "audio", "video", "document", "sticker", "location", "contacts", "button",
                 "interactive", "reaction")
FAILURE = {  # the status reference's example error (§3.4)
    "code": 131049, "title": "This message was not delivered to maintain healthy ecosystem engagement.",
    "message": "This message was not delivered to maintain healthy ecosystem engagement.",
    "error_data": {"details": "In order to maintain a healthy ecosystem engagement, the message failed to be "
                              "delivered."},
    "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
}


# --------------------------------------------------------------------------------------------------
# Building payloads


def sign(raw: bytes, app_secret: str) -> str:
    """The X-Hub-Signature-256 header value for these exact bytes."""
    return "sha256=" + hmac.new(app_secret.encode(), raw, hashlib.sha256).hexdigest()


def dumps(payload: dict[str, Any]) -> bytes:
    """Serialise as Meta does: compact JSON, non-ASCII escaped as \\uXXXX."""
    return json.dumps(payload, ensure_ascii=True, separators=(",", ":")).encode()


def new_wamid() -> str:
    """A message id shaped like Meta's (`wamid.` + base64)."""
    return "wamid." + base64.b64encode(b"\x15\x02\x00\x12\x18\x14" + os.urandom(24)).decode()


def new_ctwa_clid() -> str:
    return "Aff-" + base64.urlsafe_b64encode(os.urandom(96)).decode().rstrip("=")


def referral(*, ctwa_clid: str | None = EXAMPLE_CTWA_CLID, source_id: str = EXAMPLE_AD_ID,
             source_url: str = "https://fb.me/3cr4Wqqkv", source_type: str = "ad",
             headline: str = "Chat with us", body: str = "Summer Succulents are here!",
             media_type: str = "image", welcome_text: str | None = "Hi there! Let us know how we can help!"
             ) -> dict[str, Any]:
    """A click-to-WhatsApp `referral` like Meta's example. `ctwa_clid=None` omits it, as for an ad shown in
    WhatsApp Status (§3.3)."""
    ref: dict[str, Any] = {"source_url": source_url, "source_id": source_id, "source_type": source_type,
                           "body": body, "headline": headline, "media_type": media_type}
    if media_type == "image":
        ref["image_url"] = "https://scontent.xx.fbcdn.net/v/t45.1..."
    else:
        ref["video_url"] = "https://scontent.xx.fbcdn.net/v/t42.1..."
        ref["thumbnail_url"] = "https://scontent.xx.fbcdn.net/v/t45.1..."
    if ctwa_clid is not None:
        ref["ctwa_clid"] = ctwa_clid
    if welcome_text is not None:
        ref["welcome_message"] = {"text": welcome_text}
    return ref


def sample_content(message_type: str) -> dict[str, Any]:
    """The type-specific object of a message of this type (shapes of Meta's webhook references)."""
    media = {"mime_type": "image/jpeg", "sha256": base64.b64encode(os.urandom(32)).decode(),
             "id": str(10**15 + int.from_bytes(os.urandom(4), "big"))}
    samples: dict[str, dict[str, Any]] = {
        "text": {"body": "Olá! Quero saber mais."},
        "image": {**media, "caption": "foto do produto"},
        "audio": {**media, "mime_type": "audio/ogg; codecs=opus", "voice": True},
        "video": {**media, "mime_type": "video/mp4"},
        "document": {**media, "mime_type": "application/pdf", "filename": "pedido.pdf"},
        "sticker": {**media, "mime_type": "image/webp", "animated": False},
        "location": {"latitude": -19.9167, "longitude": -43.9345, "name": "Praça da Liberdade",
                     "address": "Belo Horizonte - MG"},
        "contacts": [{"name": {"formatted_name": "João Silva", "first_name": "João"},
                      "phones": [{"phone": "+55 31 98888-7777", "wa_id": "5531988887777", "type": "CELL"}]}],
        "button": {"payload": "QUERO_COMPRAR", "text": "Quero comprar"},
        "interactive": {"type": "button_reply", "button_reply": {"id": "buy", "title": "Comprar"}},
        "reaction": {"message_id": new_wamid(), "emoji": "\U0001f44d"},
    }
    if message_type not in samples:
        raise ValueError(f"message type must be one of {', '.join(MESSAGE_TYPES)}")
    return samples[message_type]


def message(wa_id: str, message_type: str = "text", content: dict[str, Any] | list | None = None, *,
            wamid: str | None = None, timestamp: int | None = None, referral: dict[str, Any] | None = None,
            context: dict[str, Any] | None = None) -> dict[str, Any]:
    """One `value.messages[]` item; `content` defaults to a sample of the type."""
    m: dict[str, Any] = {"from": wa_id, "id": wamid or new_wamid(),
                         "timestamp": str(int(time.time()) if timestamp is None else int(timestamp)),
                         "type": message_type,
                         message_type: sample_content(message_type) if content is None else content}
    if referral is not None:
        m["referral"] = referral
    if context is not None:
        m["context"] = context
    return m


def text_message(wa_id: str, body: str, **kwargs: Any) -> dict[str, Any]:
    return message(wa_id, "text", {"body": body}, **kwargs)


def status(wamid: str, status_: str, recipient_id: str, *, timestamp: int | None = None,
           errors: list[dict[str, Any]] | None = None, pricing: dict[str, Any] | None = None,
           conversation: dict[str, Any] | None = None) -> dict[str, Any]:
    """One `value.statuses[]` item. `sent` carries conversation + pricing like Meta's example; `failed`
    carries errors[] (code 131049 unless given)."""
    if status_ not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    ts = int(time.time()) if timestamp is None else int(timestamp)
    s: dict[str, Any] = {"id": wamid, "status": status_, "timestamp": str(ts), "recipient_id": recipient_id}
    if status_ == "sent":
        s["conversation"] = conversation or {"id": hashlib.md5(wamid.encode()).hexdigest(),  # noqa: S324
                                             "expiration_timestamp": str(ts + 86_400),
                                             "origin": {"type": "service"}}
    if status_ in ("sent", "read"):
        s["pricing"] = pricing or {"billable": False, "pricing_model": "PMP", "type": "free_customer_service",
                                   "category": "service"}
    if status_ == "failed":
        s["errors"] = errors or [dict(FAILURE)]
    return s


def envelope(*, waba_id: str = DEFAULT_WABA_ID, phone_number_id: str = DEFAULT_PHONE_NUMBER_ID,
             display_phone_number: str = DEFAULT_DISPLAY_PHONE_NUMBER,
             contacts: list[dict[str, Any]] | None = None, messages: list[dict[str, Any]] | None = None,
             statuses: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The whole notification for one business number."""
    value: dict[str, Any] = {"messaging_product": "whatsapp",
                             "metadata": {"display_phone_number": display_phone_number,
                                          "phone_number_id": phone_number_id}}
    if contacts:
        value["contacts"] = contacts
    if messages:
        value["messages"] = messages
    if statuses:
        value["statuses"] = statuses
    return {"object": "whatsapp_business_account",
            "entry": [{"id": waba_id, "changes": [{"value": value, "field": "messages"}]}]}


def contact(wa_id: str, name: str | None) -> dict[str, Any]:
    return {"profile": {"name": name or ""}, "wa_id": wa_id}


def signed_request(payload: dict[str, Any] | bytes, app_secret: str) -> tuple[bytes, dict[str, str]]:
    """(body bytes, headers) exactly as Meta posts them."""
    raw = payload if isinstance(payload, bytes) else dumps(payload)
    return raw, {"content-type": "application/json", "x-hub-signature-256": sign(raw, app_secret),
                 "user-agent": "facebookexternalua"}


# --------------------------------------------------------------------------------------------------
# Posting


@dataclass
class Sent:
    """One notification posted: what was sent and what our endpoint answered."""

    payload: dict[str, Any]
    status_code: int
    answer: Any
    wamids: list[str] = field(default_factory=list)


class WhatsAppFake:
    """Posts signed notifications for one business number (WABA + phone number id) to `url`.

    `client`: any httpx.Client (a FastAPI TestClient with a relative `url` works); a new one otherwise.
    `sent` keeps every post and its answer. Thread-safe."""

    def __init__(self, url: str, app_secret: str, *, client: httpx.Client | None = None,
                 waba_id: str = DEFAULT_WABA_ID, phone_number_id: str = DEFAULT_PHONE_NUMBER_ID,
                 display_phone_number: str = DEFAULT_DISPLAY_PHONE_NUMBER, timeout_s: float = 10.0):
        self.url = url
        self.app_secret = app_secret
        self.client = client or httpx.Client(timeout=timeout_s)
        self.waba_id = waba_id
        self.phone_number_id = phone_number_id
        self.display_phone_number = display_phone_number
        self.sent: list[Sent] = []
        self._lock = threading.Lock()

    def envelope(self, **parts: Any) -> dict[str, Any]:
        return envelope(waba_id=self.waba_id, phone_number_id=self.phone_number_id,
                        display_phone_number=self.display_phone_number, **parts)

    def post(self, payload: dict[str, Any] | bytes, *, app_secret: str | None = None,
             signature: str | None = None) -> httpx.Response:
        """Sign (with `app_secret`, default ours) and post; `signature` forces a header value."""
        raw, headers = signed_request(payload, app_secret or self.app_secret)
        if signature is not None:
            headers["x-hub-signature-256"] = signature
        response = self.client.post(self.url, content=raw, headers=headers)
        try:
            answer = response.json()
        except ValueError:
            answer = response.text
        body = payload if isinstance(payload, dict) else {}
        wamids = [m.get("id") for e in body.get("entry", []) for c in e.get("changes", [])
                  for m in c.get("value", {}).get("messages", [])]
        with self._lock:
            self.sent.append(Sent(body, response.status_code, answer, wamids))
        return response

    def inbound(self, wa_id: str, message_type: str = "text", content: dict[str, Any] | list | None = None, *,
                name: str | None = "Cliente", **kwargs: Any) -> tuple[str, httpx.Response]:
        """A customer's message (any type; `referral=referral()` for an ad click): (wamid, response)."""
        m = message(wa_id, message_type, content, **kwargs)
        return m["id"], self.post(self.envelope(contacts=[contact(wa_id, name)], messages=[m]))

    def inbound_text(self, wa_id: str, body: str, **kwargs: Any) -> tuple[str, httpx.Response]:
        return self.inbound(wa_id, "text", {"body": body}, **kwargs)

    def statuses(self, wamid: str, recipient_id: str, *statuses: str, timestamps: list[int] | None = None,
                 one_post: bool = False, **kwargs: Any) -> list[httpx.Response]:
        """Statuses of one of our messages, posted in the order given (one post each, or together)."""
        now = int(time.time())
        stamps = timestamps or [now + {"sent": 0, "delivered": 1, "read": 2, "played": 3, "failed": 1}[s]
                                for s in statuses]
        items = [status(wamid, s, recipient_id, timestamp=t, **kwargs) for s, t in zip(statuses, stamps, strict=True)]
        if one_post:
            return [self.post(self.envelope(statuses=items))]
        return [self.post(self.envelope(statuses=[item])) for item in items]

    def verify(self, verify_token: str, challenge: str = "1158201444", mode: str = "subscribe") -> httpx.Response:
        """Meta's GET handshake (§3.1)."""
        return self.client.get(self.url, params={"hub.mode": mode, "hub.challenge": challenge,
                                                 "hub.verify_token": verify_token})


# --------------------------------------------------------------------------------------------------
# Process mode


class WhatsAppFakeServer:
    """The control API of `python -m fakes.whatsapp`: each call builds, signs and posts to the target."""

    def __init__(self, target: str, app_secret: str, **number: str):
        self.target = target
        self.app_secret = app_secret
        self.number = number
        self.log: list[dict[str, Any]] = []
        self.app = Starlette(routes=self._control_routes())

    async def _post(self, payload: dict[str, Any], *, signature: str | None = None) -> dict[str, Any]:
        raw, headers = signed_request(payload, self.app_secret)
        if signature is not None:
            headers["x-hub-signature-256"] = signature
        async with httpx.AsyncClient(timeout=10) as client:
            r = await client.post(self.target, content=raw, headers=headers)
        try:
            answer = r.json()
        except ValueError:
            answer = r.text
        entry = {"at": time.time(), "payload": payload, "status": r.status_code, "answer": answer}
        self.log.append(entry)
        return entry

    def _control_routes(self) -> list[Route]:
        async def body(request: Request) -> dict[str, Any]:
            raw = await request.body()
            return json.loads(raw) if raw else {}

        def env(**parts: Any) -> dict[str, Any]:
            return envelope(**self.number, **parts)

        async def health(request: Request) -> Response:
            return base.json_response({"ok": True, "target": self.target})

        async def inbound(request: Request) -> Response:
            b = await body(request)
            ref = b.get("referral")
            if ref is True:
                ref = referral(ctwa_clid=new_ctwa_clid())
            try:
                m = message(str(b["wa_id"]), b.get("type", "text"),
                            {"body": b["text"]} if "text" in b else b.get("content"),
                            timestamp=b.get("timestamp"), referral=ref or None)
            except (KeyError, ValueError) as exc:
                return base.json_response({"ok": False, "error": str(exc)}, 400)
            sent = await self._post(env(contacts=[contact(str(b["wa_id"]), b.get("name", "Cliente"))],
                                        messages=[m]))
            return base.json_response({"wamid": m["id"], **sent})

        async def statuses(request: Request) -> Response:
            b = await body(request)
            try:
                items = [status(b["wamid"], s, str(b["recipient_id"]), timestamp=b.get("timestamp"))
                         for s in b.get("statuses", ["sent", "delivered", "read"])]
            except (KeyError, ValueError) as exc:
                return base.json_response({"ok": False, "error": str(exc)}, 400)
            return base.json_response({"posts": [await self._post(env(statuses=[i])) for i in items]})

        async def payload(request: Request) -> Response:
            b = await body(request)
            return base.json_response(await self._post(b["payload"], signature=b.get("signature")))

        async def verify(request: Request) -> Response:
            b = await body(request)
            async with httpx.AsyncClient(timeout=10) as client:
                r = await client.get(self.target, params={"hub.mode": "subscribe",
                                                          "hub.challenge": b.get("challenge", "1158201444"),
                                                          "hub.verify_token": b.get("verify_token", "")})
            return base.json_response({"status": r.status_code, "answer": r.text})

        async def sent(request: Request) -> Response:
            return base.json_response({"sent": self.log})

        return [
            Route("/_fake/health", health, methods=["GET"]),
            Route("/_fake/inbound", inbound, methods=["POST"]),
            Route("/_fake/statuses", statuses, methods=["POST"]),
            Route("/_fake/payload", payload, methods=["POST"]),
            Route("/_fake/verify", verify, methods=["POST"]),
            Route("/_fake/sent", sent, methods=["GET"]),
        ]


def main(argv: list[str] | None = None) -> None:
    def add_arguments(parser):
        parser.add_argument("--target", default="http://127.0.0.1:8000/webhooks/whatsapp",
                            help="our webhook URL the notifications are posted to")
        parser.add_argument("--app-secret", default=os.environ.get("WHATSAPP_APP_SECRET", ""),
                            help="the Meta app secret that signs them (default: $WHATSAPP_APP_SECRET)")
        parser.add_argument("--waba-id", default=DEFAULT_WABA_ID)
        parser.add_argument("--phone-number-id", default=DEFAULT_PHONE_NUMBER_ID)
        parser.add_argument("--display-phone-number", default=DEFAULT_DISPLAY_PHONE_NUMBER)

    def build(args):
        if not args.app_secret:
            raise SystemExit("--app-secret (or WHATSAPP_APP_SECRET) is required: Meta signs every notification")
        return WhatsAppFakeServer(args.target, args.app_secret, waba_id=args.waba_id,
                                  phone_number_id=args.phone_number_id,
                                  display_phone_number=args.display_phone_number).app

    base.run_cli("whatsapp", build, default_port=8103, add_arguments=add_arguments, argv=argv)


if __name__ == "__main__":
    main()
