"""Mercado Pago: the signature covers the query's data.id, the worker fetches the body's. A signed
notification whose two ids differ, or whose id is not a number, gets a 422 naming the field, and
nothing is stored or queued."""

from __future__ import annotations

import pytest

from fakes.mercadopago import signed_notification

SECRET = "mp-webhook-secret"  # as make_tenant stores it (encrypted)


def _counts(conn) -> tuple:
    return conn.execute("select (select count(*) from tracking.inbound),"
                        " (select count(*) from pgmq.q_mercadopago)").fetchone()


@pytest.mark.parametrize(("signed", "in_body", "code", "field"), [
    ("1234567", "7654321", "data_id_mismatch", "body.data.id"),
    ("1234567", None, "data_id_mismatch", "body.data.id"),
    ("abc", "abc", "invalid_data_id", "query.data.id"),
], ids=["another-payment-in-the-body", "no-id-in-the-body", "not-a-number"])
def test_a_signed_notification_naming_another_payment_is_refused(client, tenant, conn, signed, in_body, code, field):
    query, headers, body = signed_notification(signed, SECRET)
    body["data"] = {"id": in_body} if in_body else {}
    before = _counts(conn)
    r = client.post(f"/webhooks/mercadopago/{tenant.mercadopago_key}", params=query, headers=headers, json=body)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == code and "data.id" in err["message"] and err["fields"][0]["field"] == field
    assert _counts(conn) == before


def test_a_numeric_body_id_equal_to_the_signed_one_is_stored(client, tenant, conn):
    query, headers, body = signed_notification("1234567", SECRET)
    body["data"] = {"id": 1234567}  # a number in JSON, a string in the query: the same payment
    r = client.post(f"/webhooks/mercadopago/{tenant.mercadopago_key}", params=query, headers=headers, json=body)
    assert r.status_code == 200, r.text
