"""Acceptance (issue 7), end to end through the API, the real dispatcher and the Meta fake: a
click-to-WhatsApp message, then a sale posted to /api/v1/whatsapp/sales, gives exactly one
business-messaging Purchase at Meta carrying the conversation's ctwa_clid and WABA id (unhashed), with
messaging_channel whatsapp; posting the sale again sends nothing new; a conversation that came from no
ad, or an event name Meta does not allow for business messaging, is refused with a clear 422; an event
Meta refuses is dead-lettered with Meta's error like any other."""

from __future__ import annotations

import time
import uuid

import pytest

from fakes import whatsapp as wa
from tests.apiutil import WA_APP_SECRET, connect_whatsapp, make_tenant, whatsapp_client
from tests.dispatchutil import dispatch_settings, drain, meta_fake, new_pixel, worker

TOKEN = "EAAtesttoken"  # make_tenant's CAPI token


@pytest.fixture(scope="module")
def tenant(dsn):
    return make_tenant(dsn, pixel_id=new_pixel())


@pytest.fixture(scope="module")
def number(dsn, tenant):
    return connect_whatsapp(dsn, tenant.company_id)


@pytest.fixture(scope="module")
def client(dsn):
    with whatsapp_client(dsn) as c:
        yield c


@pytest.fixture
def fake(client, number):
    waba, phone = number
    return wa.WhatsAppFake("/webhooks/whatsapp", WA_APP_SECRET, client=client, waba_id=waba, phone_number_id=phone)


def _customer() -> str:
    return "55219" + str(uuid.uuid4().int % 10**8).zfill(8)


def _conversation(conn, customer) -> int:
    return conn.execute("select id from whatsapp.conversations where wa_id = %s order by id desc limit 1",
                        (customer,)).fetchone()[0]


def _sell(client, tenant, **body):
    return client.post("/api/v1/whatsapp/sales", json=body, headers={"x-api-key": tenant.api_key})


def _sent(conn, event_ids):
    return lambda c: c.execute("select count(*) from tracking.events where event_id = any(%s) and status = 'sent'",
                               (event_ids,)).fetchone()[0] == len(event_ids)


def test_a_ctwa_conversation_then_a_sale_is_one_business_messaging_purchase_at_meta(
        client, tenant, number, fake, conn, dsn):
    waba, _ = number
    customer, clid = _customer(), wa.new_ctwa_clid()
    fake.inbound_text(customer, "Quero o kit de suculentas", name="Sheena", referral=wa.referral(ctwa_clid=clid))
    conversation = _conversation(conn, customer)

    first = _sell(client, tenant, conversation_id=conversation, value=189.9, sale_ref="pedido-1001")
    assert first.status_code == 201, first.text
    answer = first.json()
    assert answer["event_name"] == "Purchase" and answer["attribution"] == "conversation"
    again = _sell(client, tenant, conversation_id=conversation, value=189.9, sale_ref="pedido-1001")
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert again.json()["event_id"] == answer["event_id"]

    with meta_fake((tenant.pixel_id, TOKEN)) as (meta, url):
        drain(worker(dispatch_settings(dsn, url)), dsn, _sent(conn, [answer["event_id"]]))
        _sell(client, tenant, conversation_id=conversation, value=189.9, sale_ref="pedido-1001")  # a third time
        drain(worker(dispatch_settings(dsn, url)), dsn, lambda c: c.execute(
            "select count(*) from pgmq.q_dispatch").fetchone()[0] == 0)
        [purchase] = meta.accepted_events(event_name="Purchase")
    assert purchase.pixel_id == tenant.pixel_id and purchase.event_id == answer["event_id"]
    event = purchase.event
    assert event["action_source"] == "business_messaging"
    assert event["messaging_channel"] == "whatsapp"
    assert event["user_data"] == {"ctwa_clid": clid, "whatsapp_business_account_id": waba}
    assert event["custom_data"] == {"value": 189.9, "currency": "BRL"}
    assert "event_source_url" not in event

    # the sale is on record, for revenue and for the conversation
    assert conn.execute("select status, sale_effect, amount::float, currency, purchase_event_pk is not null"
                        " from tracking.sales where gateway = 'whatsapp' and provider_ref = %s",
                        (f"{conversation}:pedido-1001",)).fetchone() == ("approved", "sale", 189.9, "BRL", True)
    assert conn.execute("select conversation_id, ctwa_clid, waba_id from whatsapp.sales where sale_ref = %s",
                        ("pedido-1001",)).fetchone() == (conversation, clid, waba)
    history = conn.execute("select status, http_status from delivery.event_history where event_id = %s",
                           (answer["event_id"],)).fetchall()
    assert history == [("sent", 200)]


def test_a_sale_found_by_wa_id_with_another_event_and_currency(client, tenant, fake, conn):
    customer = _customer()
    fake.inbound_text(customer, "oi", referral=wa.referral(ctwa_clid=wa.new_ctwa_clid()))
    r = _sell(client, tenant, wa_id=customer, event_name="OrderShipped", value=50, currency="usd",
              sale_ref="pedido-2002")
    assert r.status_code == 201, r.text
    assert conn.execute("select event_name, action_source, custom_data from tracking.events where event_id = %s",
                        (r.json()["event_id"],)).fetchone() == (
        "OrderShipped", "business_messaging", {"value": 50, "currency": "USD"})
    # the idempotency header works as the sale reference too
    by_header = client.post("/api/v1/whatsapp/sales", json={"wa_id": customer, "value": 10},
                            headers={"x-api-key": tenant.api_key, "x-idempotency-key": "pedido-2003"})
    assert by_header.status_code == 201
    assert conn.execute("select sale_ref from whatsapp.sales where id = %s",
                        (by_header.json()["sale_id"],)).fetchone()[0] == "pedido-2003"


def test_a_conversation_from_no_ad_is_refused_and_nothing_is_queued(client, tenant, fake, conn):
    customer = _customer()
    fake.inbound_text(customer, "vim pelo site")
    events_before = conn.execute("select count(*) from tracking.events").fetchone()[0]
    r = _sell(client, tenant, conversation_id=_conversation(conn, customer), value=99, sale_ref="pedido-3003")
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "no_ad_referral" and "ctwa_clid" in err["message"]
    assert conn.execute("select count(*) from tracking.events").fetchone()[0] == events_before
    assert conn.execute("select count(*) from whatsapp.sales where sale_ref = 'pedido-3003'").fetchone()[0] == 0


def test_a_later_conversation_of_a_contact_who_came_from_an_ad_uses_that_click(client, tenant, fake, conn):
    customer, clid = _customer(), wa.new_ctwa_clid()
    fake.inbound_text(customer, "vi o anúncio", referral=wa.referral(ctwa_clid=clid),
                      timestamp=int(time.time()) - 3 * 86_400)
    fake.inbound_text(customer, "voltei para comprar")  # window long closed: a conversation without referral
    r = _sell(client, tenant, conversation_id=_conversation(conn, customer), value=120, sale_ref="pedido-4004")
    assert r.status_code == 201, r.text
    assert r.json()["attribution"] == "contact_last_touch"
    assert conn.execute("select user_data->>'ctwa_clid' from tracking.events where event_id = %s",
                        (r.json()["event_id"],)).fetchone()[0] == clid


@pytest.mark.parametrize(
    ("body", "status", "code", "says"),
    [({"event_name": "Lead", "value": 1, "sale_ref": "x1"}, 422, "invalid_fields", "LeadSubmitted"),
     ({"event_name": "CompleteRegistration", "sale_ref": "x2"}, 422, "invalid_fields", "business-messaging"),
     ({"sale_ref": "x3"}, 422, "invalid_fields", "value is required"),
     ({"value": 10}, 422, "invalid_fields", "sale_ref"),
     ({"value": -1, "sale_ref": "x4"}, 422, "invalid_fields", "value"),
     ({"value": 10, "currency": "real", "sale_ref": "x5"}, 422, "invalid_fields", "currency"),
     ({"value": 10, "sale_ref": "x6", "conversation_id": 999999999}, 404, "conversation_not_found", "999999999")],
    ids=["lead-is-not-a-messaging-event", "web-only-event", "purchase-without-value", "no-sale-ref",
         "negative-value", "bad-currency", "unknown-conversation"],
)
def test_invalid_sales_are_refused_with_a_clear_message(client, tenant, fake, conn, body, status, code, says):
    customer = _customer()
    fake.inbound_text(customer, "oi", referral=wa.referral(ctwa_clid=wa.new_ctwa_clid()))
    body = {"conversation_id": _conversation(conn, customer), **body}
    r = _sell(client, tenant, **body)
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code and says in r.json()["error"]["message"]


@pytest.mark.parametrize("wa_id", [None, " "], ids=["null", "blank"])
def test_a_sale_whose_wa_id_is_empty_is_refused_as_missing_it(client, tenant, conn, wa_id):
    r = _sell(client, tenant, wa_id=wa_id, value=10, sale_ref="no-wa-id")
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "invalid_fields" and "wa_id" in r.json()["error"]["message"]


def test_the_same_sale_ref_with_another_value_is_a_conflict(client, tenant, fake, conn):
    customer = _customer()
    fake.inbound_text(customer, "oi", referral=wa.referral(ctwa_clid=wa.new_ctwa_clid()))
    conversation = _conversation(conn, customer)
    assert _sell(client, tenant, conversation_id=conversation, value=10, sale_ref="pedido-5005").status_code == 201
    r = _sell(client, tenant, conversation_id=conversation, value=11, sale_ref="pedido-5005")
    assert r.status_code == 409 and r.json()["error"]["code"] == "sale_ref_reused"


def test_without_a_valid_api_key_nothing_is_recorded(client, tenant, conn):
    r = client.post("/api/v1/whatsapp/sales", json={"conversation_id": 1, "value": 1, "sale_ref": "y"},
                    headers={"x-api-key": "tai_not-a-key"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_api_key"


def test_an_event_meta_refuses_is_dead_lettered_with_metas_error(client, tenant, fake, conn, dsn):
    customer = _customer()
    fake.inbound_text(customer, "oi", referral=wa.referral(ctwa_clid=wa.new_ctwa_clid()))
    r = _sell(client, tenant, conversation_id=_conversation(conn, customer), value=77, sale_ref="pedido-6006")
    event_id = r.json()["event_id"]
    with meta_fake((tenant.pixel_id, TOKEN)) as (meta, url):
        meta.reject_event_ids(event_id)
        drain(worker(dispatch_settings(dsn, url)), dsn, lambda c: c.execute(
            "select status from tracking.events where event_id = %s", (event_id,)).fetchone()[0] == "dead")
        assert meta.deliveries(event_id) == []
    letter = conn.execute("select l.error_code, l.error_message from delivery.dead_letters l"
                          " join tracking.events e on e.id = l.event_pk where e.event_id = %s", (event_id,)).fetchone()
    assert letter[0] == 100 and event_id in letter[1]
