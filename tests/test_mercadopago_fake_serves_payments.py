"""The Mercado Pago fake serves payments like api.mercadopago.com and signs webhook notifications
exactly per gateways.md §2.1-§2.3 (checked against the worked vectors)."""

from __future__ import annotations

import hashlib
import hmac
import re
import time

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from fakes.base import serve
from fakes.mercadopago import (
    DEFAULT_USER_ID,
    MercadoPagoFake,
    manifest,
    send_notification,
    signature_v1,
    signed_notification,
)

SECRET = "test_webhook_secret_2f9c1a7b"
REQUEST_ID = "bb56a2f1-6aae-46ac-982e-9dcd3581d08e"
TS = "1742505638683"
TOKEN = "APP_USR-seller-token"


# ---- signature vectors (gateways.md §2.3) ------------------------------------------------------------

VECTORS = [
    ("123456789", REQUEST_ID,
     "id:123456789;request-id:bb56a2f1-6aae-46ac-982e-9dcd3581d08e;ts:1742505638683;",
     "3d448af79227bb692c8be24b5ced0a938745355ba7df5c9e6afccdf3ceda8760"),
    ("ORD01JQ4S4KY8HWQ6NA5PXB65B3D3", REQUEST_ID,
     "id:ord01jq4s4ky8hwq6na5pxb65b3d3;request-id:bb56a2f1-6aae-46ac-982e-9dcd3581d08e;ts:1742505638683;",
     "63b930d440e62b3b5813c66787015f05f556b5a714ec576a54372d5118e7962f"),
    ("123456789", None, "id:123456789;ts:1742505638683;",
     "9e3ac20bec1708d4fe48079f7b2c7acbef7027e7dfe9479481097de9886962cd"),
]


@pytest.mark.parametrize(("data_id", "request_id", "expected_manifest", "expected_v1"), VECTORS)
def test_signature_matches_the_worked_vectors(data_id, request_id, expected_manifest, expected_v1):
    assert manifest(data_id, request_id, TS) == expected_manifest
    assert signature_v1(SECRET, data_id, request_id, TS) == expected_v1


def test_the_not_lowercased_vector_is_not_what_we_sign():
    not_lowered = f"id:ORD01JQ4S4KY8HWQ6NA5PXB65B3D3;request-id:{REQUEST_ID};ts:{TS};"
    digest = hmac.new(SECRET.encode(), not_lowered.encode(), hashlib.sha256).hexdigest()
    assert digest == "e2db3a549408615954d112410422e0593d07cb4e6c44ad1bdae521bd70ae0c15"
    assert signature_v1(SECRET, "ORD01JQ4S4KY8HWQ6NA5PXB65B3D3", REQUEST_ID, TS) != digest


def test_signed_notification_is_exactly_what_mp_sends():
    query, headers, body = signed_notification(123456789, SECRET, REQUEST_ID, TS, notification_id=12345)
    assert query == {"data.id": "123456789", "type": "payment"}
    assert headers["x-request-id"] == REQUEST_ID
    assert headers["x-signature"] == ("ts=1742505638683,"
                                      "v1=3d448af79227bb692c8be24b5ced0a938745355ba7df5c9e6afccdf3ceda8760")
    assert set(body) == {"id", "live_mode", "type", "date_created", "user_id", "api_version", "action",
                         "data"}
    assert body["id"] == 12345 and body["data"] == {"id": "123456789"}
    assert (body["type"], body["action"], body["api_version"], body["user_id"]) == (
        "payment", "payment.updated", "v1", DEFAULT_USER_ID)
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}-03:00$", body["date_created"])


def test_without_request_id_the_header_and_pair_are_dropped():
    _, headers, _ = signed_notification("123456789", SECRET, request_id="", ts=TS)
    assert "x-request-id" not in headers
    assert headers["x-signature"] == f"ts={TS},v1={VECTORS[2][3]}"


def test_defaults_are_a_fresh_uuid_and_a_millisecond_timestamp():
    _, headers, _ = signed_notification(1, SECRET)
    ts = int(re.match(r"^ts=(\d+),v1=[0-9a-f]{64}$", headers["x-signature"]).group(1))
    assert abs(ts - time.time() * 1000) < 5_000
    assert re.match(r"^[0-9a-f-]{36}$", headers["x-request-id"])


def test_a_receiver_following_the_doc_accepts_what_we_send():
    """An independent verifier written from §2.2 (not using fakes.mercadopago) accepts the webhook."""
    seen = []

    async def webhook(request: Request) -> JSONResponse:
        parts = dict(p.strip().split("=", 1) for p in request.headers["x-signature"].split(","))
        data_id = request.query_params["data.id"].lower()
        template = f"id:{data_id};request-id:{request.headers['x-request-id']};ts:{parts['ts']};"
        expected = hmac.new(SECRET.encode(), template.encode(), hashlib.sha256).hexdigest()
        ok = hmac.compare_digest(expected, parts["v1"])
        seen.append((ok, (await request.json())["data"]["id"]))
        return JSONResponse({}, status_code=200 if ok else 401)

    app = Starlette(routes=[Route("/mp", webhook, methods=["POST"])])
    with serve(app) as receiver:
        order_id = "ORD01JQ4S4KY8HWQ6NA5PXB65B3D3"
        assert send_notification(f"{receiver.url}/mp", order_id, SECRET).status_code == 200
        assert send_notification(f"{receiver.url}/mp", 42, "wrong-secret").status_code == 401
    assert seen == [(True, "ORD01JQ4S4KY8HWQ6NA5PXB65B3D3"), (False, "42")]


# ---- the payments API ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fake():
    return MercadoPagoFake()


@pytest.fixture(scope="module")
def server(fake):
    with serve(fake.app) as handle:
        yield handle


@pytest.fixture
def client(fake, server):
    fake.reset(registry=True)
    fake.add_token(TOKEN)
    with httpx.Client(base_url=server.url, timeout=5) as c:
        yield c


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_known_payment_has_the_fields_we_need(client, fake):
    payment = fake.add_payment(status="approved", transaction_amount=197.0, external_reference="order-1",
                               metadata={"click_id": "c-1"}, payer={"email": "ana@example.com",
                                                                    "phone": {"number": "999990000"}})
    r = client.get(f"/v1/payments/{payment['id']}", headers=auth())
    assert r.status_code == 200
    p = r.json()
    for key in ("id", "status", "status_detail", "transaction_amount", "currency_id", "date_created",
                "date_approved", "date_last_updated", "money_release_date", "description",
                "external_reference", "metadata", "payment_method_id", "payment_type_id", "order", "payer",
                "additional_info", "transaction_details"):
        assert key in p, key
    assert (p["id"], p["status"], p["status_detail"], p["transaction_amount"], p["currency_id"]) == (
        payment["id"], "approved", "accredited", 197.0, "BRL")
    assert p["external_reference"] == "order-1" and p["metadata"] == {"click_id": "c-1"}
    assert p["payer"]["email"] == "ana@example.com"
    assert p["payer"]["phone"] == {"area_code": "11", "number": "999990000", "extension": None}
    assert set(p["payer"]["identification"]) == {"type", "number"}
    assert p["additional_info"]["ip_address"]
    assert set(p["transaction_details"]) >= {"net_received_amount", "total_paid_amount"}


def test_status_changes_are_served(client, fake):
    payment = fake.add_payment(status="pending", payment_method_id="pix")
    first = client.get(f"/v1/payments/{payment['id']}", headers=auth()).json()
    assert (first["status"], first["status_detail"], first["date_approved"]) == (
        "pending", "pending_waiting_transfer", None)
    fake.update_payment(payment["id"], status="approved")
    second = client.get(f"/v1/payments/{payment['id']}", headers=auth()).json()
    assert second["status"] == "approved" and second["date_approved"]


def test_auth_and_not_found_errors(client, fake):
    payment = fake.add_payment()
    r = client.get(f"/v1/payments/{payment['id']}")
    assert r.status_code == 401
    assert r.json()["message"] == "Must provide your access_token to proceed"
    r = client.get(f"/v1/payments/{payment['id']}", headers=auth("APP_USR-unknown"))
    assert (r.status_code, r.json()) == (401, {"message": "invalid access token", "error": "unauthorized",
                                               "status": 401, "cause": []})
    r = client.get("/v1/payments/999", headers=auth())
    assert r.status_code == 404
    body = r.json()
    assert (body["message"], body["error"], body["status"]) == ("Payment not found", "not_found", 404)
    assert body["cause"][0]["code"] == 2000 and body["cause"][0]["description"] == "Payment not found"
    fake.add_token("APP_USR-other-seller", user_id=42)
    other = client.get(f"/v1/payments/{payment['id']}", headers=auth("APP_USR-other-seller"))
    assert other.status_code == 404
    assert client.get(f"/v1/payments/{payment['id']}", params={"access_token": TOKEN}).status_code == 200


def test_fail_next_and_http_controls(client, fake):
    created = client.post("/_fake/payments", json={"status": "in_process", "transaction_amount": 50,
                                                   "external_reference": "order-9"})
    assert created.status_code == 201
    payment_id = created.json()["id"]
    client.post("/_fake/tokens", json={"token": "APP_USR-b", "user_id": DEFAULT_USER_ID})
    client.post("/_fake/faults", json={"fail_next": 1, "status": 500})
    assert client.get(f"/v1/payments/{payment_id}", headers=auth("APP_USR-b")).status_code == 500
    served = client.get(f"/v1/payments/{payment_id}", headers=auth("APP_USR-b")).json()
    assert served["status"] == "in_process"
    client.post(f"/_fake/payments/{payment_id}", json={"status": "approved"})
    assert client.get(f"/v1/payments/{payment_id}", headers=auth()).json()["status"] == "approved"
    signed = client.post("/_fake/notifications", json={"payment_id": payment_id, "secret": SECRET,
                                                       "request_id": REQUEST_ID, "ts": TS}).json()
    assert signed["query"] == {"data.id": str(payment_id), "type": "payment"}
    v1 = signature_v1(SECRET, str(payment_id), REQUEST_ID, TS)
    assert signed["headers"]["x-signature"] == f"ts={TS},v1={v1}"
    assert [r["status"] for r in client.get("/_fake/requests").json()["requests"]] == [500, 200, 200]
    assert client.post("/_fake/payments", json={"status": "paid"}).status_code == 400
