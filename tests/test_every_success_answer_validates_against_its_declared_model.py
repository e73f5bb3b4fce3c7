"""What the routes really answer matches what openapi.json declares for that status: real requests to the
ingestion routes (whose bodies the SQL functions write, passed through undeclared at runtime), each answer
validated against the committed document's schema for its status, with no field the schema does not name.
The setup, delivery and revenue routes are checked by FastAPI itself (response_model), on every call."""

from __future__ import annotations

import json
import time

import pytest
from jsonschema import Draft202012Validator

from core import tenants
from core.secrets import Keyring
from core.settings import load
from fakes import mercadopago as mp
from fakes import whatsapp as wa
from fakes.checkouts import Checkout
from tests.apiutil import ORIGIN, WA_APP_SECRET, connect_whatsapp, postback, whatsapp_client
from trackai import contracts

DOC = json.loads(contracts.OPENAPI_FILE.read_text())


def _resolved(node):
    """The schema with every "#/components/schemas/..." reference replaced by its target (no cycles here)."""
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            return _resolved(DOC["components"]["schemas"][ref.rsplit("/", 1)[1]])
        return {k: _resolved(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolved(v) for v in node]
    return node


def _undeclared(schema: dict, body) -> list[str]:
    """Fields of the answer no branch of the schema names (the models allow extras; the document must not lie)."""
    if not isinstance(body, dict):
        return []
    branches = schema.get("anyOf") or schema.get("oneOf") or [schema]
    named = set().union(*(b.get("properties", {}).keys() for b in branches))
    return sorted(set(body) - named)


def assert_declared(method: str, path: str, response) -> None:
    answers = DOC["paths"][path][method.lower()]["responses"]
    assert str(response.status_code) in answers, (method, path, response.status_code, "status not declared")
    schema = _resolved(answers[str(response.status_code)]["content"]["application/json"]["schema"])
    body = response.json()
    errors = [e.message for e in Draft202012Validator(schema).iter_errors(body)]
    assert not errors, (method, path, body, errors)
    assert not _undeclared(schema, body), (method, path, "undeclared fields", _undeclared(schema, body))


def test_a_gateway_notification_answers_its_declared_model(client, tenant):
    r = client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=postback(code="PPDOC0001"))
    assert r.status_code == 200, r.text
    assert_declared("POST", "/webhooks/{gateway}/{endpoint_key}", r)
    assert r.json()["event_id"]


@pytest.mark.parametrize("gateway", ["hotmart", "utmify"])
def test_another_checkouts_notification_answers_its_declared_model(client, tenant, conn, gateway):
    checkout = Checkout(gateway, f"{gateway}-doc-credential-0001")
    key = tenants.connect_checkout(conn, Keyring.parse(load().secret_key), tenant.company_id, gateway,
                                   checkout.secret)
    r = checkout.send(client, key, checkout.notification("approved", f"{gateway}-doc-1"))
    assert r.status_code == 200, r.text
    assert_declared("POST", "/api/v1/orders" if gateway == "utmify" else "/webhooks/{gateway}/{endpoint_key}", r)


def test_a_mercadopago_notification_answers_its_declared_model(client, tenant):
    query, headers, body = mp.signed_notification(424242, "mp-webhook-secret")
    r = client.post(f"/webhooks/mercadopago/{tenant.mercadopago_key}", params=query, headers=headers, json=body)
    assert r.status_code == 200, r.text
    assert_declared("POST", "/webhooks/{gateway}/{endpoint_key}", r)


def test_a_browser_event_answers_its_declared_model(client, tenant):
    r = client.post(f"/collect?key={tenant.collector_key}", headers={"Origin": ORIGIN}, json={
        "event_name": "PageView", "event_id": f"pv-doc-{time.monotonic_ns()}", "visitor_id": "v-doc-0001",
        "url": "https://loja.example.com.br/oferta"})
    assert r.status_code == 202, r.text
    assert_declared("POST", "/collect", r)


@pytest.mark.parametrize(("path", "body"), [
    ("/api/meta/conversions", {"event_name": "Lead", "event_id": "doc-lead-1",
                               "event_source_url": "https://loja.example.com.br/",
                               "user_data": {"em": "x@example.com", "client_user_agent": "Mozilla/5.0"}}),
    ("/api/leads/capture", {"lead_id": "doc-lead-2", "email": "y@example.com"}),
    ("/api/purchases/record", {"order_id": "doc-order-1", "value": 97.0, "email": "z@example.com"}),
    ("/api/v1/conversions", {"id": "doc-crm-1", "event": "LeadCreated",
                             "lead": {"id": "L1", "email": "l@example.com"}}),
    ("/api/v1/conversions", {"id": "doc-crm-2", "event": "LeadQualified", "lead": {"id": "L1"}}),
])
def test_a_direct_api_event_answers_its_declared_model(client, tenant, path, body):
    r = client.post(path, headers={"authorization": f"Bearer {tenant.api_key}"}, json=body)
    assert 200 <= r.status_code < 300, r.text
    assert_declared("POST", path, r)


def test_a_whatsapp_notification_answers_its_declared_model(dsn, tenant):
    _, phone_number_id = connect_whatsapp(dsn, tenant.company_id)
    payload = wa.envelope(phone_number_id=phone_number_id, contacts=[wa.contact("5531988887777", "Ana")],
                          messages=[wa.text_message("5531988887777", "oi")])
    raw, headers = wa.signed_request(payload, WA_APP_SECRET)
    with whatsapp_client(dsn) as c:
        r = c.post("/webhooks/whatsapp", content=raw, headers=headers)
    assert r.status_code == 200, r.text
    assert_declared("POST", "/webhooks/whatsapp", r)
    assert r.json()["stored"], "routed to the company"
