"""Hostile requests for every entry point (issue 9, bad input): malformed bodies and a valid body per
endpoint whose string fields can be filled with SQL / HTML snippets.

Each endpoint knows how to make an authenticated request for a given raw body, so a hostile body is
sent exactly as a real caller could send it (signed where the provider signs)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from fakes import mercadopago as mp
from fakes import whatsapp as wa
from service.auth import sign
from tests.apiutil import ORIGIN, WA_APP_SECRET, Tenant, postback

JWT_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long"
MP_SECRET = "mp-webhook-secret"  # as make_tenant stores it (encrypted)
AD_WA_ID = "5531977770001"  # a customer whose conversation came from a click-to-WhatsApp ad (see the test)

# one string that is SQL, HTML, a template and a format string at once; stored verbatim, harmless
SNIPPET = ("'; DROP TABLE tracking.events; -- \" OR '1'='1 $$; select pg_sleep(5); $$ "
           "<script>alert(\"x\")</script><img src=x onerror=alert(1)> {{7*7}} %s %(x)s ${jndi:ldap://x}")


@dataclass
class Endpoint:
    name: str
    limit: int  # the route's body limit in bytes
    # (raw body, content type) -> (url, headers); the headers authenticate the request
    prepare: Callable[[bytes, str], tuple[str, dict]]
    valid_body: Callable[[], dict]
    logs_rejections: bool = True  # ingestion routes log refusals in tracking.rejected_requests
    # where a hostile body is checked only after the signature, the request is signed over it
    checks_content_type: bool = True
    checks_depth: bool = True
    # fields validated by format (a snippet there is a 4xx, not stored), as dotted paths
    format_fields: set[str] = field(default_factory=set)
    # statuses a valid-shaped body may legitimately get (e.g. 404: no such conversation)
    ok_statuses: tuple[int, ...] = (200, 201, 202)


def endpoints(t: Tenant, admin_uid: str) -> list[Endpoint]:
    def api(path: str) -> Callable[[bytes, str], tuple[str, dict]]:
        return lambda raw, ctype: (path, {"content-type": ctype, "x-api-key": t.api_key})

    def perfectpay(raw, ctype):
        return f"/webhooks/perfectpay/{t.perfectpay_key}", {"content-type": ctype}

    def mercadopago(raw, ctype):
        try:
            data_id = str(json.loads(raw)["data"]["id"])
        except Exception:
            data_id = "123456789"
        query, headers, _ = mp.signed_notification(data_id, MP_SECRET)
        headers["content-type"] = ctype
        return (f"/webhooks/mercadopago/{t.mercadopago_key}?data.id={query['data.id']}&type=payment",
                headers)

    def collect(raw, ctype):
        return f"/collect?key={t.collector_key}", {"content-type": ctype, "origin": ORIGIN}

    def whatsapp(raw, ctype):
        return "/webhooks/whatsapp", {"content-type": ctype, "x-hub-signature-256": wa.sign(raw, WA_APP_SECRET)}

    def admin(raw, ctype):
        token = sign({"sub": admin_uid, "role": "authenticated", "aud": "authenticated",
                      "exp": int(time.time()) + 600}, JWT_SECRET)
        return "/api/meta/retry-failed", {"content-type": ctype, "authorization": f"Bearer {token}"}

    def uid() -> str:
        return uuid.uuid4().hex[:12]

    return [
        Endpoint("perfectpay", 1_000_000, perfectpay, lambda: postback(code=f"PP{uid()}"),
                 format_fields={"token", "currency_enum_key"}),
        Endpoint("mercadopago", 1_000_000, mercadopago,
                 lambda: {"id": 1, "type": "payment", "action": "payment.updated",
                          "data": {"id": str(uuid.uuid4().int % 10**11)}},  # a payment id: digits
                 format_fields={"data.id"}),
        Endpoint("collect", 1_000_000, collect,
                 lambda: {"event_name": "PageView", "event_id": f"ev-{uid()}", "visitor_id": f"v-{uid()}",
                          "url": "https://loja.example.com.br/oferta", "referrer": "https://facebook.com/",
                          "fbclid": "IwAR0abc", "utm_source": "fb", "utm_campaign": "bf",
                          "user_data": {"em": "ana@example.com"}},
                 format_fields={"event_name", "event_id", "visitor_id", "url"}),
        Endpoint("meta-conversions", 1_000_000, api("/api/meta/conversions"),
                 lambda: {"event_name": "Lead", "event_id": f"e-{uid()}", "action_source": "website",
                          "event_source_url": "https://loja.example.com.br/", "visitor_id": f"v-{uid()}",
                          "user_data": {"em": "ana@example.com", "ph": "+55 31 98332-3121"},
                          "custom_data": {"content_name": "Curso"}},
                 format_fields={"event_name", "action_source"}),
        Endpoint("leads-capture", 1_000_000, api("/api/leads/capture"),
                 lambda: {"lead_id": f"l-{uid()}", "email": "ana@example.com", "phone": "31983323121",
                          "name": "Ana Souza", "visitor_id": f"v-{uid()}",
                          "event_source_url": "https://loja.example.com.br/"}),
        Endpoint("purchases-record", 1_000_000, api("/api/purchases/record"),
                 lambda: {"order_id": f"o-{uid()}", "value": 197.0, "currency": "BRL", "email": "ana@example.com",
                          "phone": "31983323121", "name": "Ana Souza", "visitor_id": f"v-{uid()}"},
                 ),
        Endpoint("v1-conversions", 1_000_000, api("/api/v1/conversions"),
                 lambda: {"id": f"c-{uid()}", "event": "LeadCreated", "occurred_at": "2026-11-28T09:00:00-03:00",
                          "lead": {"id": f"l-{uid()}", "email": "ana@example.com", "name": "Ana"}},
                 format_fields={"event"}),
        Endpoint("whatsapp-webhook", 3_000_000, whatsapp,
                 lambda: wa.envelope(contacts=[wa.contact("5531983323121", "Ana")],
                                     messages=[wa.text_message("5531983323121", "quero o curso")]),
                 checks_content_type=False, checks_depth=False),
        Endpoint("whatsapp-sales", 1_000_000, api("/api/v1/whatsapp/sales"),
                 lambda: {"wa_id": AD_WA_ID, "value": 97.0, "currency": "BRL", "event_name": "Purchase",
                          "sale_ref": f"s-{uid()}"},
                 # wa_id names the conversation: a snippet there finds none (404)
                 format_fields={"currency", "event_name", "wa_id"}),
        Endpoint("admin-retry-failed", 1_000_000, admin,
                 lambda: {"event_ids": [f"e-{uid()}"], "error_code": 100},
                 logs_rejections=False),
    ]


def string_paths(value, prefix: tuple = ()) -> list[tuple]:
    """Paths (key / index tuples) of every string leaf."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in string_paths(v, (*prefix, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in string_paths(v, (*prefix, i))]
    return [prefix] if isinstance(value, str) else []


def with_value(body, path: tuple, new):
    copy = json.loads(json.dumps(body))
    target = copy
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = new
    return copy


def deep(levels: int) -> bytes:
    return b'{"a":' + b"[" * levels + b"]" * levels + b"}"


# (name, raw body, content type, expected status, applies to endpoint?)
def malformed(ep: Endpoint) -> list[tuple[str, bytes, str, int]]:
    valid = json.dumps(ep.valid_body()).encode()
    over = ep.limit + 1024
    cases = [
        ("huge-body", b'{"a":"' + b"x" * over + b'"}', "application/json", 413),
        ("deep-json-10000-levels", deep(10_000), "application/json", 400),
        ("invalid-utf8", b'{"a":"\xff\xfe\xc3\x28"}', "application/json", 400),
        ("overlong-utf8-slash", b'{"a":"\xc0\xaf"}', "application/json", 400),
        ("lone-surrogate-escape", b'{"a":"\\ud800"}', "application/json", 400),
        ("raw-nul", b'{"a":"x\x00y"}', "application/json", 400),
        ("json-array", b"[1, 2, 3]", "application/json", 400),
        ("json-number", b"42", "application/json", 400),
        ("json-string", b'"hello"', "application/json", 400),
        ("json-null", b"null", "application/json", 400),
        ("empty-body", b"", "application/json", 400),
        ("truncated-json", valid[:-3], "application/json", 400),
        ("nan-literal", b'{"a": NaN}', "application/json", 400),
        ("infinity-literal", b'{"a": -Infinity}', "application/json", 400),
        ("number-beyond-numeric", b'{"a": 1e999999}', "application/json", 400),
        ("number-below-numeric", b'{"a": 1e-999999}', "application/json", 400),
        ("int-of-5000-digits", b'{"a": ' + b"9" * 5000 + b"}", "application/json", 400),
        ("lone-low-surrogate-key", b'{"k\\udc00":1}', "application/json", 400),
    ]
    if ep.checks_depth:
        cases.append(("deep-json-40-levels", deep(40), "application/json", 400))
    if ep.name != "whatsapp-webhook":
        # the WhatsApp webhook strips a NUL escape and accepts the (signed) body: see the test module
        cases.append(("nul-escape", b'{"a":"x\\u0000y"}', "application/json", 400))
        cases.append(("nul-escape-in-key", b'{"x\\u0000":"y"}', "application/json", 400))
    if ep.checks_content_type:
        cases += [
            ("form-content-type", valid, "application/x-www-form-urlencoded", 415),
            ("xml-content-type", b"<a>1</a>", "application/xml", 415),
            ("no-content-type", valid, "", 415),
        ]
    return cases
