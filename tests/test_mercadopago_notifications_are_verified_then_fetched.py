"""Mercado Pago: x-signature (HMAC manifest with x-request-id and ts, replay window) is verified before
anything is stored; the stored notification is queued; the worker fetches the payment from
MERCADOPAGO_API_URL and the sale becomes a Meta event in SQL."""

from __future__ import annotations

import time

import psycopg
import pytest

from fakes.base import serve
from fakes.mercadopago import MercadoPagoFake, signed_notification
from jobs.base import QueueWorker
from jobs.mercadopago import MercadoPagoFetcher
from tests.apiutil import settings_for

SECRET = "mp-webhook-secret"  # as make_tenant stores it (encrypted)
TOKEN = "APP_USR-test-token"


@pytest.fixture(scope="module")
def fake():
    mp = MercadoPagoFake()
    mp.add_token(TOKEN)
    with serve(mp.app) as handle:
        mp.url = handle.url
        yield mp


def _notify(client, tenant, payment_id, secret=SECRET, **kw):
    query, headers, body = signed_notification(payment_id, secret, **kw)
    return client.post(f"/webhooks/mercadopago/{tenant.mercadopago_key}", params=query, headers=headers, json=body)


def _drain(dsn, fake):
    fetcher = MercadoPagoFetcher(settings_for(dsn, mercadopago_api_url=fake.url))
    worker = QueueWorker(dsn, "mercadopago", fetcher.handle, batch=50, vt_s=1)
    with psycopg.connect(dsn, autocommit=True) as conn:
        while worker.run_once(conn):
            pass


def test_a_signed_approved_payment_becomes_a_purchase(client, tenant, fake, dsn, conn):
    payment = fake.add_payment(status="approved", transaction_amount=249.9, external_reference="v-mp-visitor-1",
                               payer={"email": "Pagador@Example.com", "first_name": "Rui", "last_name": "Costa"})
    r = _notify(client, tenant, payment["id"])
    assert r.status_code == 200, r.text
    inbound = r.json()["inbound_id"]
    assert conn.execute("select status from tracking.inbound where id = %s", (inbound,)).fetchone()[0] == "received"
    _drain(dsn, fake)
    assert conn.execute("select status from tracking.inbound where id = %s", (inbound,)).fetchone()[0] == "processed"
    ev = conn.execute("select event_name, status, custom_data->>'value', provider_ref from tracking.events"
                      " where inbound_id = %s", (inbound,)).fetchone()
    assert ev == ("Purchase", "queued", "249.9", str(payment["id"]))
    sale = conn.execute("select status, amount from tracking.sales where provider_ref = %s",
                        (str(payment["id"]),)).fetchone()
    assert sale[0] == "approved" and float(sale[1]) == 249.9
    assert any(req["path"].endswith(f"/v1/payments/{payment['id']}") for req in fake.requests())


def test_a_second_notification_for_the_same_payment_sends_nothing_new(client, tenant, fake, dsn, conn):
    payment = fake.add_payment(status="approved")
    _notify(client, tenant, payment["id"])
    _notify(client, tenant, payment["id"])
    _drain(dsn, fake)
    assert conn.execute("select count(*) from tracking.events where provider_ref = %s",
                        (str(payment["id"]),)).fetchone()[0] == 1


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [({"secret": "someone-elses-secret"}, "bad_signature"),
     ({"ts": int((time.time() - 3600) * 1000)}, "stale_signature"),
     ({"ts": int(time.time() - 3600)}, "stale_signature")],
    ids=["wrong-secret", "replayed-an-hour-later-ms", "replayed-an-hour-later-seconds"],
)
def test_a_bad_or_replayed_signature_is_a_401_and_nothing_is_stored(client, tenant, conn, kwargs, code):
    before = conn.execute("select count(*) from tracking.inbound").fetchone()[0]
    r = _notify(client, tenant, 1234567, **kwargs)
    assert r.status_code == 401 and r.json()["error"]["code"] == code
    assert conn.execute("select count(*) from tracking.inbound").fetchone()[0] == before
    assert conn.execute("select error_code from tracking.rejected_requests where request_id = %s",
                        (r.json()["error"]["request_id"],)).fetchone()[0] == code


def test_seconds_timestamps_are_accepted_too(client, tenant, fake):
    payment = fake.add_payment(status="pending")
    r = _notify(client, tenant, payment["id"], ts=int(time.time()))
    assert r.status_code == 200


def test_an_unknown_payment_marks_the_notification_failed_with_the_reason(client, tenant, fake, dsn, conn):
    r = _notify(client, tenant, 999000111)
    _drain(dsn, fake)
    status, error = conn.execute("select status, error from tracking.inbound where id = %s",
                                 (r.json()["inbound_id"],)).fetchone()
    assert status == "failed" and error.startswith("mercadopago_payment_not_found")


def test_a_mercadopago_outage_is_retried_not_lost(client, tenant, fake, dsn, conn):
    payment = fake.add_payment(status="approved")
    r = _notify(client, tenant, payment["id"])
    fake.fail_next(1, status=503)
    _drain(dsn, fake)  # first read fails with 503: the message stays, invisible for vt_s
    assert conn.execute("select status from tracking.inbound where id = %s",
                        (r.json()["inbound_id"],)).fetchone()[0] == "received"
    time.sleep(1.2)
    _drain(dsn, fake)
    assert conn.execute("select status from tracking.inbound where id = %s",
                        (r.json()["inbound_id"],)).fetchone()[0] == "processed"
