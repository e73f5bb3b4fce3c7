"""A Perfect Pay postback is stored before the 200, mapped by status, hashed and queued for Meta;
bad requests get a clear 4xx, are logged, and store nothing."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.apiutil import postback


def _count(conn, sql, *args):
    return conn.execute(sql, args).fetchone()[0]


def test_an_approved_sale_becomes_one_queued_purchase(client, tenant, conn):
    r = client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=postback(code="PP-APPROVED-1"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "accepted" and body["inbound_id"]
    ev = conn.execute("select event_name, action_source, user_data, custom_data, status, match_quality, request_id"
                      " from tracking.events where event_id = %s", (body["event_id"],)).fetchone()
    name, action_source, ud, cd, status, quality, request_id = ev
    assert (name, status) == ("Purchase", "queued")
    assert request_id == r.headers["x-request-id"]
    # Meta's rules: e-mail trimmed + lowercased, phone with country code, CPF as external_id
    assert ud["em"] == hashlib.sha256(b"maria.silva@example.com").hexdigest()
    assert ud["ph"] == hashlib.sha256(b"5531983323121").hexdigest()
    assert ud["external_id"] == hashlib.sha256(b"52998224725").hexdigest()
    assert ud["client_ip_address"] == "2804:214:c003:ca1:b453:55f1:aad7:c837"
    assert "Chrome" in ud["client_user_agent"]
    assert cd == {"value": 197.0, "currency": "BRL", "order_id": "PP-APPROVED-1", "content_ids": ["PPPBDC49"],
                  "content_name": "Curso Tráfego", "content_type": "product"}
    assert float(quality) >= 5
    # the raw body is stored, without the token
    stored = conn.execute("select body from tracking.inbound i join tracking.events e on e.inbound_id = i.id"
                          " where e.event_id = %s", (body["event_id"],)).fetchone()[0]
    assert stored["token"] == "[redacted]" and stored["code"] == "PP-APPROVED-1"
    assert _count(conn, "select count(*) from pgmq.q_dispatch where (message->>'event')::bigint ="
                        " (select id from tracking.events where event_id = %s)", body["event_id"]) == 1


def test_the_event_id_is_the_sha256_of_company_source_sale_and_event_name(client, tenant):
    r = client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=postback(code="PP-EID-1"))
    expected = hashlib.sha256(f"{tenant.company_id}:perfectpay:PP-EID-1:Purchase".encode()).hexdigest()
    assert r.json()["event_id"] == expected


def test_completed_after_approved_does_not_fire_a_second_purchase(client, tenant, conn):
    first = client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=postback(code="PP-30D", status=2))
    later = client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=postback(code="PP-30D", status=10))
    assert later.status_code == 200 and later.json()["event_id"] == first.json()["event_id"]
    assert _count(conn, "select count(*) from tracking.events where provider_ref = 'PP-30D'") == 1
    assert _count(conn, "select count(*) from tracking.inbound where body->>'code' = 'PP-30D'") == 2


def test_pending_pix_is_an_initiate_checkout_by_default(client, tenant, conn):
    client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=postback(code="PP-PIX", status=1))
    assert conn.execute("select event_name from tracking.events where provider_ref = 'PP-PIX'").fetchone()[0] \
        == "InitiateCheckout"


def test_a_company_mapping_overrides_the_default(client, tenant, conn):
    conn.execute("insert into tracking.status_mappings (company_id, gateway, gateway_status, meta_event, sale_effect)"
                 " values (%s, 'perfectpay', 'pending', 'AddPaymentInfo', 'pending')", (tenant.company_id,))
    client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=postback(code="PP-PIX-2", status=1))
    assert conn.execute("select event_name from tracking.events where provider_ref = 'PP-PIX-2'").fetchone()[0] \
        == "AddPaymentInfo"


def test_a_refund_is_recorded_against_the_sale_without_a_new_event(client, tenant, conn):
    client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=postback(code="PP-REF", status=2))
    r = client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=postback(code="PP-REF", status=7))
    assert r.status_code == 200
    sale = conn.execute("select status, sale_effect, refunded_amount, refunded_at is not null from tracking.sales"
                        " where provider_ref = 'PP-REF'").fetchone()
    assert sale == ("refunded", "refund", 197, True)
    assert _count(conn, "select count(*) from tracking.events where provider_ref = 'PP-REF'") == 1
    # a late 'approved' does not undo the refund
    client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=postback(code="PP-REF", status=2))
    assert conn.execute("select status from tracking.sales where provider_ref = 'PP-REF'").fetchone()[0] == "refunded"


def test_an_unknown_status_is_stored_and_flagged_not_dropped(client, tenant, conn):
    r = client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=postback(code="PP-UNK", status=99))
    assert r.status_code == 200
    flags = conn.execute("select flags from tracking.inbound where body->>'code' = 'PP-UNK'").fetchone()[0]
    assert flags == ["unknown_status"]
    assert conn.execute("select status from tracking.sales where provider_ref = 'PP-UNK'").fetchone()[0] \
        == "unknown:99"
    assert _count(conn, "select count(*) from tracking.events where provider_ref = 'PP-UNK'") == 0


@pytest.mark.parametrize(
    ("make_request", "status", "code"),
    [
        (lambda c, t: c.post(f"/webhooks/perfectpay/{t.perfectpay_key}", json=postback(token="wrong")), 401,
         "invalid_token"),
        (lambda c, t: c.post("/webhooks/perfectpay/pe_unknownunknownunknown", json=postback()), 404,
         "unknown_endpoint"),
        (lambda c, t: c.post(f"/webhooks/perfectpay/{t.perfectpay_key}", content=b"{not json",
                             headers={"content-type": "application/json"}), 400, "malformed_json"),
        (lambda c, t: c.post(f"/webhooks/perfectpay/{t.perfectpay_key}", content=json.dumps(postback()),
                             headers={"content-type": "text/html"}), 415, "unsupported_media_type"),
        (lambda c, t: c.post(f"/webhooks/perfectpay/{t.perfectpay_key}",
                             json={**postback(), "padding": "x" * 1_100_000}), 413, "body_too_large"),
        (lambda c, t: c.post(f"/webhooks/perfectpay/{t.perfectpay_key}",
                             json={k: v for k, v in postback().items() if k != "code"}), 422, "missing_fields"),
    ],
    ids=["bad-token", "unknown-key", "malformed-json", "wrong-content-type", "over-1mb", "missing-code"],
)
def test_bad_requests_get_a_clear_error_are_logged_and_store_nothing(client, tenant, conn, make_request, status,
                                                                     code):
    inbound_before = _count(conn, "select count(*) from tracking.inbound")
    r = make_request(client, tenant)
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["code"] == code and err["message"] and err["request_id"] == r.headers["x-request-id"]
    assert _count(conn, "select count(*) from tracking.inbound") == inbound_before
    logged = conn.execute("select http_status, error_code from tracking.rejected_requests where request_id = %s",
                          (err["request_id"],)).fetchone()
    assert logged == (status, code)
    assert "5550029d" not in r.text  # the token never comes back
