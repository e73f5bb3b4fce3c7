"""A signed webhook is routed by its business number (value.metadata.phone_number_id), else its WABA
(entry.id), to the company that connected it; each company's part is stored in tracking.inbound (source
'whatsapp') and mirrored into contacts, conversations and messages (every type, text body for text).
A redelivery changes nothing. What no company connected is kept in whatsapp.unrouted and still answered
200 (Meta retries anything else for 7 days)."""

from __future__ import annotations

import uuid

import pytest

from fakes import whatsapp as wa
from tests.apiutil import WA_APP_SECRET, connect_whatsapp, make_tenant, whatsapp_client

MIRROR = ("whatsapp.contacts", "whatsapp.conversations", "whatsapp.messages", "whatsapp.message_statuses",
          "whatsapp.numbers")


@pytest.fixture(scope="module")
def client(dsn):
    with whatsapp_client(dsn) as c:
        yield c


@pytest.fixture(scope="module")
def tenants(dsn):
    a, b = make_tenant(dsn), make_tenant(dsn)
    return {"a": (a, *connect_whatsapp(dsn, a.company_id)), "b": (b, *connect_whatsapp(dsn, b.company_id))}


def _fake(client, tenants, who: str) -> wa.WhatsAppFake:
    _, waba, number = tenants[who]
    return wa.WhatsAppFake("/webhooks/whatsapp", WA_APP_SECRET, client=client, waba_id=waba, phone_number_id=number)


def _wa_id() -> str:
    return "55319" + str(uuid.uuid4().int % 10**8).zfill(8)


def _snapshot(conn, company: str) -> dict:
    query = "select to_jsonb(x) from {} x where company_id = %s order by to_jsonb(x)::text"
    return {t: conn.execute(query.format(t), (company,)).fetchall() for t in MIRROR}


def test_each_company_gets_only_its_own_messages(client, tenants, conn):
    customer = _wa_id()
    for who in ("a", "b"):
        wamid, r = _fake(client, tenants, who).inbound_text(customer, f"oi {who}", name="Maria")
        assert r.status_code == 200, r.text
        [stored] = r.json()["stored"]
        company = tenants[who][0].company_id
        row = conn.execute("select company_id::text, source, status, body->'entry'->0->>'id' from tracking.inbound"
                           " where id = %s", (stored["inbound_id"],)).fetchone()
        assert row == (company, "whatsapp", "processed", tenants[who][1])
        msg = conn.execute(
            "select m.company_id::text, m.direction, m.type, m.text_body, m.status, k.wa_id, k.profile_name,"
            " c.phone_number_id from whatsapp.messages m join whatsapp.contacts k on k.id = m.contact_id"
            " join whatsapp.conversations c on c.id = m.conversation_id where m.wamid = %s", (wamid,)).fetchone()
        assert msg == (company, "inbound", "text", f"oi {who}", "received", customer, "Maria", tenants[who][2])
    # one contact per company for the same WhatsApp user
    assert conn.execute("select count(distinct company_id) from whatsapp.contacts where wa_id = %s",
                        (customer,)).fetchone()[0] == 2


@pytest.mark.parametrize("message_type", wa.MESSAGE_TYPES)
def test_every_message_type_is_stored_with_its_type_and_content(client, tenants, conn, message_type):
    wamid, r = _fake(client, tenants, "a").inbound(_wa_id(), message_type)
    assert r.status_code == 200 and r.json()["stored"][0]["processing"] == "processed", r.text
    mtype, body, content = conn.execute("select type, text_body, content from whatsapp.messages where wamid = %s",
                                        (wamid,)).fetchone()
    assert mtype == message_type
    assert content[message_type]  # the type's object is kept (media id, location, button payload...)
    assert (body is not None) == (message_type == "text")


def test_a_redelivered_notification_changes_nothing(client, tenants, conn):
    fake = _fake(client, tenants, "a")
    company = tenants["a"][0].company_id
    customer = _wa_id()
    payload = fake.envelope(contacts=[wa.contact(customer, "Ana")],
                            messages=[wa.text_message(customer, "primeira", referral=wa.referral(
                                ctwa_clid=wa.new_ctwa_clid()))])
    first = fake.post(payload)
    assert first.status_code == 200
    before = _snapshot(conn, company)
    again = fake.post(payload)  # Meta retries: the same bytes again
    assert again.status_code == 200
    assert _snapshot(conn, company) == before
    [stored] = again.json()["stored"]
    assert conn.execute("select status, flags from tracking.inbound where id = %s",
                        (stored["inbound_id"],)).fetchone() == ("processed", ["duplicate_delivery"])


def test_an_unknown_number_is_kept_aside_and_answered_200(client, conn):
    stranger = wa.WhatsAppFake("/webhooks/whatsapp", WA_APP_SECRET, client=client, waba_id="999000111222333",
                               phone_number_id="999000111222444")
    inbound_before = conn.execute("select count(*) from tracking.inbound").fetchone()[0]
    wamid, r = stranger.inbound_text(_wa_id(), "alguém aí?")
    assert r.status_code == 200
    assert r.json()["stored"] == [] and r.json()["unrouted"] == 1
    assert conn.execute("select count(*) from tracking.inbound").fetchone()[0] == inbound_before
    row = conn.execute("select waba_id, phone_number_id, reason, body->'entry'->0->'changes'->0->'value'->"
                       "'messages'->0->>'id' from whatsapp.unrouted where request_id = %s",
                       (r.headers["x-request-id"],)).fetchone()
    assert row == ("999000111222333", "999000111222444", "unknown_number", wamid)
    assert conn.execute("select count(*) from whatsapp.messages where wamid = %s", (wamid,)).fetchone()[0] == 0


def test_a_new_number_of_a_connected_waba_is_registered_on_sight(client, tenants, conn):
    tenant, waba, _ = tenants["b"]
    new_number = str(10**14 + uuid.uuid4().int % 10**14)
    fake = wa.WhatsAppFake("/webhooks/whatsapp", WA_APP_SECRET, client=client, waba_id=waba,
                           phone_number_id=new_number, display_phone_number="5511988880000")
    wamid, r = fake.inbound_text(_wa_id(), "oi")
    assert r.status_code == 200
    inbound = r.json()["stored"][0]["inbound_id"]
    assert conn.execute("select company_id::text, flags from tracking.inbound where id = %s",
                        (inbound,)).fetchone() == (tenant.company_id, ["number_added"])
    assert conn.execute("select company_id::text, waba_id, display_phone_number, added_by from whatsapp.numbers"
                        " where phone_number_id = %s", (new_number,)).fetchone() == (
        tenant.company_id, waba, "5511988880000", "webhook")
    assert conn.execute("select company_id::text from whatsapp.messages where wamid = %s",
                        (wamid,)).fetchone()[0] == tenant.company_id


def test_one_post_for_two_companies_is_split_between_them(client, tenants, conn):
    customer = _wa_id()
    entries = []
    for who in ("a", "b"):
        env = _fake(client, tenants, who).envelope(contacts=[wa.contact(customer, "Rui")],
                                                  messages=[wa.text_message(customer, f"para {who}")])
        entries += env["entry"]
    r = _fake(client, tenants, "a").post({"object": "whatsapp_business_account", "entry": entries})
    assert r.status_code == 200 and len(r.json()["stored"]) == 2
    for stored, who in zip(r.json()["stored"], ("a", "b"), strict=True):
        company, n_entries = conn.execute(
            "select company_id::text, jsonb_array_length(body->'entry') from tracking.inbound where id = %s",
            (stored["inbound_id"],)).fetchone()
        assert (company, n_entries) == (tenants[who][0].company_id, 1)  # no tenant stores another's entry


def test_a_signed_payload_that_cannot_be_mirrored_is_kept_failed_for_replay(client, tenants, conn):
    fake = _fake(client, tenants, "a")
    broken = wa.text_message(_wa_id(), "sem id")
    del broken["id"]
    r = fake.post(fake.envelope(messages=[broken]))
    assert r.status_code == 200  # stored: Meta must not retry it for a week
    [stored] = r.json()["stored"]
    assert stored["processing"] == "failed"
    status, error = conn.execute("select status, error from tracking.inbound where id = %s",
                                 (stored["inbound_id"],)).fetchone()
    assert status == "failed" and "without id" in error
    # the generic replay (also `trackai replay`) hands WhatsApp rows to the WhatsApp mirror
    replayed = dict(conn.execute("select inbound_id, outcome from tracking.replay_failed(%s)",
                                 (tenants["a"][0].company_id,)).fetchall())
    assert replayed[stored["inbound_id"]] == "failed"


def test_a_signed_payload_of_another_object_is_kept_aside(client, conn):
    fake = wa.WhatsAppFake("/webhooks/whatsapp", WA_APP_SECRET, client=client)
    r = fake.post({"object": "page", "entry": []})
    assert r.status_code == 200 and r.json()["unrouted"] == 1
    assert conn.execute("select reason from whatsapp.unrouted where request_id = %s",
                        (r.headers["x-request-id"],)).fetchone()[0] == "not_whatsapp_business_account"
