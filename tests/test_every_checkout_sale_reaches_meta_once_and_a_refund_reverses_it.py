"""Acceptance (issue 17), per platform, end to end through the API, the ingest worker, the real dispatcher
and the strict Meta fake: an approved sale shaped like the reference's example, with its platform's
authentication, becomes exactly one Purchase with the right value, currency, hashed buyer data and event
time; ten more deliveries of it change nothing; a refund reverses the sale and sends no new Purchase; a
wrong token or signature is a 401 that stores nothing beyond the rejection log; a malformed body is a 4xx
naming the field."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from core import tenants
from fakes.checkouts import CHECKOUTS
from tests.apiutil import api_client, make_tenant
from tests.dispatchutil import dispatch_settings, drain, keyring, meta_fake, new_pixel, worker

TOKEN = "EAAtesttoken"  # make_tenant's CAPI token
GATEWAYS = sorted(CHECKOUTS)
# the platform writes its time to the minute (Kiwify), the second, or the millisecond (Hotmart)
PRECISION = {"kiwify": 60}


@pytest.fixture(scope="module")
def tenant(dsn):
    return make_tenant(dsn, pixel_id=new_pixel())


@pytest.fixture(scope="module")
def keys(dsn, tenant, conn_module):
    return {g: tenants.connect_checkout(conn_module, keyring(), tenant.company_id, g, c.secret)
            for g, c in CHECKOUTS.items()}


@pytest.fixture(scope="module")
def conn_module(dsn):
    import psycopg
    with psycopg.connect(dsn, autocommit=True) as c:
        yield c


@pytest.fixture(scope="module")
def client(dsn):
    with api_client(dsn) as c:
        yield c


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@pytest.mark.parametrize("gateway", GATEWAYS)
def test_an_approved_sale_is_one_purchase_at_meta_and_a_refund_reverses_it(gateway, client, tenant, keys, conn, dsn):
    checkout, key = CHECKOUTS[gateway], keys[gateway]
    order = f"{gateway[:3].upper()}-{uuid.uuid4().hex[:10]}"
    when = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=3)
    approved = checkout.notification("approved", order, amount=Decimal("1234.56"), when=when)

    first = checkout.send(client, key, approved)
    assert first.status_code == 200, first.text
    event_id = first.json()["event_id"]
    for _ in range(10):  # the platform's retries
        again = checkout.send(client, key, approved)
        assert again.status_code == 200 and again.json()["event_id"] == event_id

    with meta_fake((tenant.pixel_id, TOKEN)) as (meta, url):
        drain(worker(dispatch_settings(dsn, url)), dsn, lambda c: c.execute(
            "select status from tracking.events where event_id = %s", (event_id,)).fetchone() == ("sent",))
        refund = checkout.send(client, key, checkout.notification("refunded", order, amount=Decimal("1234.56"),
                                                                  when=when + timedelta(minutes=1)))
        assert refund.status_code == 200, refund.text
        drain(worker(dispatch_settings(dsn, url)), dsn,
              lambda c: c.execute("select count(*) from pgmq.q_dispatch").fetchone()[0] == 0)
        purchases = meta.accepted_events(event_name="Purchase")

    [purchase] = [p for p in purchases if p.event["custom_data"].get("order_id") == order]
    assert purchase.event_id == event_id and purchase.pixel_id == tenant.pixel_id
    event = purchase.event
    assert event["custom_data"]["value"] == 1234.56 and event["custom_data"]["currency"] == "BRL"
    assert event["user_data"]["em"] == _sha("comprador@example.com")
    assert event["user_data"]["ph"] == _sha("5511988887777")
    assert abs(event["event_time"] - when.timestamp()) < PRECISION.get(gateway, 1)
    # the refund reversed the sale, and was no new Purchase
    assert conn.execute("select sale_effect, amount::float from tracking.sales where gateway = %s"
                        " and provider_ref = %s", (gateway, order)).fetchone() == ("refund", 1234.56)
    assert conn.execute("select count(*) from tracking.events where provider_ref = %s and event_name = 'Purchase'",
                        (order,)).fetchone()[0] == 1


@pytest.mark.parametrize("gateway", GATEWAYS)
def test_a_wrong_token_or_signature_is_a_401_that_stores_nothing_but_the_rejection(gateway, client, keys, conn):
    checkout = CHECKOUTS[gateway]
    body = checkout.notification("approved", f"BAD-{uuid.uuid4().hex[:8]}")
    inbound_before = conn.execute("select count(*) from tracking.inbound").fetchone()[0]
    r = checkout.send(client, keys[gateway], body, secret="not-the-right-secret")
    assert r.status_code == 401, r.text
    error = r.json()["error"]
    assert error["code"] in ("invalid_token", "bad_signature") and checkout.secret not in r.text
    assert conn.execute("select count(*) from tracking.inbound").fetchone()[0] == inbound_before
    assert conn.execute("select http_status, error_code, source from tracking.rejected_requests where request_id = %s",
                        (error["request_id"],)).fetchone() == (401, error["code"], gateway)


# the field that identifies a sale, per platform, and where it lives in the body
ORDER_FIELD = {
    "hotmart": ("data.purchase.transaction", lambda b: b["data"]["purchase"].pop("transaction")),
    "kiwify": ("order_id", lambda b: b.pop("order_id")),
    "eduzz": ("data.id", lambda b: b["data"].pop("id")),
    "monetizze": ("venda.codigo", lambda b: (b["venda"].pop("codigo"), b.pop("codigo_venda"))),
    "braip": ("trans_key", lambda b: b.pop("trans_key")),
    "kirvano": ("sale_id", lambda b: b.pop("sale_id")),
    "ticto": ("order.hash", lambda b: b["order"].pop("hash")),
    "utmify": ("orderId", lambda b: b.pop("orderId")),
}
# an amount that cannot be read in the platform's unit
BAD_AMOUNT = {
    "hotmart": ("data.purchase.price.value", lambda b: b["data"]["purchase"]["price"].update(value="noventa")),
    "kiwify": ("Commissions.charge_amount", lambda b: b["Commissions"].update(charge_amount="12,50")),
    "eduzz": ("data.price.value", lambda b: b["data"]["price"].update(value="abc")),
    "monetizze": ("venda.valor", lambda b: b["venda"].update(valor="R$ cento")),
    "braip": ("trans_total_value", lambda b: b.update(trans_total_value="237.90")),
    "kirvano": ("total_price", lambda b: b.update(total_price="R$ 12.34.5")),
    "ticto": ("order.paid_amount", lambda b: b["order"].update(paid_amount=-3990)),
    "utmify": ("commission.totalPriceInCents", lambda b: b["commission"].update(totalPriceInCents=80.5)),
}


@pytest.mark.parametrize("gateway", GATEWAYS)
def test_a_body_without_its_order_id_is_a_422_naming_the_field_and_nothing_is_stored(gateway, client, keys, conn):
    checkout = CHECKOUTS[gateway]
    field, drop = ORDER_FIELD[gateway]
    body = checkout.notification("approved", f"NOID-{uuid.uuid4().hex[:8]}")
    drop(body)
    inbound_before = conn.execute("select count(*) from tracking.inbound").fetchone()[0]
    r = checkout.send(client, keys[gateway], body)
    assert r.status_code == 422, r.text
    assert (r.json()["error"]["code"], r.json()["error"]["field"]) == ("missing_fields", field)
    assert conn.execute("select count(*) from tracking.inbound").fetchone()[0] == inbound_before


@pytest.mark.parametrize("gateway", GATEWAYS)
def test_an_unreadable_amount_is_a_422_naming_it_and_the_body_is_kept_for_a_replay(gateway, client, keys, conn):
    checkout = CHECKOUTS[gateway]
    field, spoil = BAD_AMOUNT[gateway]
    order = f"AMT-{uuid.uuid4().hex[:8]}"
    body = checkout.notification("approved", order)
    spoil(body)
    r = checkout.send(client, keys[gateway], body)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert (error["code"], error["field"]) == ("invalid_field", field) and field in error["message"]
    status, stored = conn.execute("select status, body from tracking.inbound where id = %s",
                                  (error["inbound_id"],)).fetchone()
    assert status == "failed" and checkout.secret not in json.dumps(stored)
    assert conn.execute("select count(*) from tracking.events where provider_ref = %s", (order,)).fetchone()[0] == 0


def test_malformed_json_and_an_unknown_gateway_get_a_clear_4xx(client, keys):
    r = client.post(f"/webhooks/hotmart/{keys['hotmart']}", content=b"{not json",
                    headers={"content-type": "application/json", "x-hotmart-hottok": CHECKOUTS["hotmart"].secret})
    assert r.status_code == 400 and r.json()["error"]["code"] == "malformed_json"
    r = client.post("/webhooks/pagseguro/xyz", json={})
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_gateway"
    assert "hotmart" in r.json()["error"]["message"]
