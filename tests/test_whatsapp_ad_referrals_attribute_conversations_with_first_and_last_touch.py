"""An inbound message with a click-to-WhatsApp referral keeps ctwa_clid, the ad (source_id), source_url,
source_type, headline, body and time on its conversation; every inbound message reopens the 24-hour
window (window_expires_at = last inbound + 24 h); the contact keeps its first- and last-touch referral
across conversations; and the company's mapping may queue LeadSubmitted for a conversation from an ad."""

from __future__ import annotations

import time
import uuid

import pytest

from fakes import whatsapp as wa
from tests.apiutil import WA_APP_SECRET, connect_whatsapp, make_tenant, whatsapp_client

H = 3600
T0 = int(time.time()) - 5 * 86_400  # five days ago: inside Meta's 7-day window for the lead events


@pytest.fixture(scope="module")
def client(dsn):
    with whatsapp_client(dsn) as c:
        yield c


@pytest.fixture
def setup(dsn, client):
    tenant = make_tenant(dsn)
    waba, number = connect_whatsapp(dsn, tenant.company_id)
    fake = wa.WhatsAppFake("/webhooks/whatsapp", WA_APP_SECRET, client=client, waba_id=waba, phone_number_id=number)
    return tenant, waba, fake, "55319" + str(uuid.uuid4().int % 10**8).zfill(8)


def _ad(n: int) -> dict:
    return wa.referral(ctwa_clid=f"Aff-click-{n}-" + uuid.uuid4().hex, source_id=f"12022630585481{n:04d}",
                       source_url=f"https://fb.me/ad{n}", headline=f"Oferta {n}", body=f"Texto do anúncio {n}")


def _conversations(conn, customer):
    return conn.execute(
        "select id, ctwa_clid, source_id, extract(epoch from started_at)::bigint,"
        " extract(epoch from window_expires_at - last_inbound_at)::int, extract(epoch from window_expires_at)::bigint,"
        " inbound_count, close_reason from whatsapp.conversations where wa_id = %s order by id", (customer,)).fetchall()


def _touch(conn, customer):
    return conn.execute(
        "select first_touch_ctwa_clid, first_touch_source_id, first_touch_conversation_id, last_touch_ctwa_clid,"
        " last_touch_source_id, last_touch_conversation_id from whatsapp.contacts where wa_id = %s",
        (customer,)).fetchone()


def test_the_ad_click_is_kept_on_the_conversation(setup, conn):
    _, waba, fake, customer = setup
    ad = _ad(1)
    wamid, r = fake.inbound_text(customer, "Quero mais informações", referral=ad, timestamp=T0)
    assert r.status_code == 200
    row = conn.execute(
        "select ctwa_clid, source_id, source_url, source_type, headline, ad_body, media_type,"
        " extract(epoch from referral_at)::bigint, referral_wamid, waba_id from whatsapp.conversations"
        " where wa_id = %s", (customer,)).fetchone()
    assert row == (ad["ctwa_clid"], ad["source_id"], ad["source_url"], "ad", ad["headline"], ad["body"], "image",
                   T0, wamid, waba)


def test_later_messages_reopen_the_window_and_keep_the_referral(setup, conn):
    _, _, fake, customer = setup
    ad = _ad(1)
    fake.inbound_text(customer, "oi", referral=ad, timestamp=T0)
    fake.inbound_text(customer, "ainda aí?", timestamp=T0 + 20 * H)   # within the window: same conversation
    [(conv, clid, source, started, window, expires, count, _)] = _conversations(conn, customer)
    assert (clid, source, started, window, expires, count) == (ad["ctwa_clid"], ad["source_id"], T0, 24 * H,
                                                               T0 + 44 * H, 2)
    fake.inbound_text(customer, "voltei", timestamp=T0 + 70 * H)      # window closed: a new conversation
    convs = _conversations(conn, customer)
    assert len(convs) == 2
    assert convs[1][1:3] == (None, None) and convs[1][5] == T0 + 94 * H
    # the contact still remembers the ad
    assert _touch(conn, customer) == (ad["ctwa_clid"], ad["source_id"], conv, ad["ctwa_clid"], ad["source_id"], conv)


def test_the_contact_keeps_first_and_last_touch_across_conversations(setup, conn):
    _, _, fake, customer = setup
    first, second, third = _ad(1), _ad(2), _ad(3)
    fake.inbound_text(customer, "vi o anúncio", referral=first, timestamp=T0)
    fake.inbound_text(customer, "vi outro anúncio", referral=second, timestamp=T0 + 48 * H)
    convs = _conversations(conn, customer)
    assert [c[1] for c in convs] == [first["ctwa_clid"], second["ctwa_clid"]]
    assert _touch(conn, customer) == (first["ctwa_clid"], first["source_id"], convs[0][0],
                                      second["ctwa_clid"], second["source_id"], convs[1][0])
    # another ad clicked while the window is open: the old conversation closes, a new one starts
    fake.inbound_text(customer, "e esse aqui?", referral=third, timestamp=T0 + 50 * H)
    convs = _conversations(conn, customer)
    assert [c[7] for c in convs] == [None, "new_referral", None]
    assert _touch(conn, customer)[3] == third["ctwa_clid"]
    # a click older than the last touch, delivered late, does not become the last touch
    stale = _ad(4)
    fake.inbound_text(customer, "atrasada", referral=stale, timestamp=T0 + 10 * H)
    assert _touch(conn, customer)[3] == third["ctwa_clid"]
    # ... and does not close today's conversation: it belongs where its time puts it
    convs = {c[1]: c for c in _conversations(conn, customer)}
    assert convs[third["ctwa_clid"]][7] is None
    assert convs[stale["ctwa_clid"]][3] == T0 + 10 * H
    assert convs[first["ctwa_clid"]][7] == "new_referral"  # clicked while the first window was open
    assert _touch(conn, customer)[0] == first["ctwa_clid"]


def test_a_message_delivered_late_joins_the_conversation_of_its_time(setup, conn):
    _, _, fake, customer = setup
    ad = _ad(1)
    fake.inbound_text(customer, "oi", referral=ad, timestamp=T0)
    fake.inbound_text(customer, "hoje", timestamp=T0 + 40 * H)            # a second conversation
    fake.inbound_text(customer, "de ontem", timestamp=T0 + 5 * H)         # retried by Meta, arrives last
    fake.inbound_text(customer, "antes do clique", timestamp=T0 - 2 * H)  # sent just before the ad message
    convs = _conversations(conn, customer)
    assert [(c[1], c[3], c[5], c[6]) for c in convs] == [
        (ad["ctwa_clid"], T0 - 2 * H, T0 + 29 * H, 3), (None, T0 + 40 * H, T0 + 64 * H, 1)]


def test_an_ad_from_whatsapp_status_has_no_click_id_but_is_kept(setup, conn):
    _, _, fake, customer = setup
    fake.inbound_text(customer, "vi no status", referral=wa.referral(ctwa_clid=None), timestamp=T0)
    [(_, clid, source, *_)] = _conversations(conn, customer)
    assert clid is None and source == wa.EXAMPLE_AD_ID


def test_the_open_windows_view_follows_the_clock(setup, conn):
    _, _, fake, customer = setup
    fake.inbound_text(customer, "oi", referral=_ad(1), timestamp=T0)
    conn.execute("select set_config('trackai.now', to_timestamp(%s)::text, false)", (T0 + 23 * H,))
    try:
        rows = conn.execute("select extract(epoch from remaining)::int, from_ad from whatsapp.open_windows"
                            " where wa_id = %s", (customer,)).fetchall()
        assert rows == [(1 * H, True)]
        conn.execute("select set_config('trackai.now', to_timestamp(%s)::text, false)", (T0 + 24 * H + 1,))
        assert conn.execute("select count(*) from whatsapp.open_windows where wa_id = %s",
                            (customer,)).fetchone()[0] == 0
    finally:
        conn.execute("select set_config('trackai.now', '', false)")


def test_the_company_mapping_queues_lead_submitted_for_conversations_from_ads(setup, conn):
    tenant, waba, fake, customer = setup
    fake.inbound_text(customer, "sem mapeamento", referral=_ad(1), timestamp=T0)
    assert conn.execute("select count(*) from tracking.events where company_id = %s",
                        (tenant.company_id,)).fetchone()[0] == 0
    conn.execute("insert into whatsapp.settings (company_id, ad_conversation_event) values (%s, 'LeadSubmitted')",
                 (tenant.company_id,))
    ad = _ad(2)
    fake.inbound_text(customer, "com mapeamento", referral=ad, timestamp=T0 + 30 * H)
    fake.inbound_text(customer, "mais uma", timestamp=T0 + 31 * H)                   # same conversation
    fake.inbound_text(customer, "status", referral=wa.referral(ctwa_clid=None), timestamp=T0 + 60 * H)  # no click id
    rows = conn.execute(
        "select event_name, action_source, status, user_data, extra, extract(epoch from event_time)::bigint"
        " from tracking.events where company_id = %s", (tenant.company_id,)).fetchall()
    assert rows == [("LeadSubmitted", "business_messaging", "queued",
                     {"ctwa_clid": ad["ctwa_clid"], "whatsapp_business_account_id": waba},
                     {"messaging_channel": "whatsapp"}, T0 + 30 * H)]
