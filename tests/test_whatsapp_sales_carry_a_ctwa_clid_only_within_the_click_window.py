"""A WhatsApp sale carries a click-to-WhatsApp ad click (ctwa_clid) only within the company's click window
after that click (whatsapp.settings.ctwa_window_days, 7 days by default): Meta attributes within its
attribution windows only, so an older click is noise. The conversation's own referral counts from the
time of the message that carried it; past the window, and with no later click of the contact within it,
the sale is refused like one from no ad (422 no_ad_referral) and nothing is queued. A sale already
recorded is still answered as a repeat once its click has aged (issue 15)."""

from __future__ import annotations

import hashlib
import json
import time
import uuid

import pytest

from fakes import whatsapp as wa
from tests.apiutil import WA_APP_SECRET, connect_whatsapp, make_tenant, whatsapp_client

DAY = 86_400


@pytest.fixture(scope="module")
def client(dsn):
    with whatsapp_client(dsn) as c:
        yield c


def _tenant(dsn, client):
    tenant = make_tenant(dsn)
    waba, phone = connect_whatsapp(dsn, tenant.company_id)
    return tenant, wa.WhatsAppFake("/webhooks/whatsapp", WA_APP_SECRET, client=client, waba_id=waba,
                                   phone_number_id=phone)


def _clicked(conn, fake, days_ago: float) -> tuple[int, str]:
    """A contact who clicked an ad `days_ago` days ago (the referral's message): (conversation, ctwa_clid)."""
    customer, clid = "55219" + str(uuid.uuid4().int % 10**8).zfill(8), wa.new_ctwa_clid()
    fake.inbound_text(customer, "vi o anúncio", referral=wa.referral(ctwa_clid=clid),
                      timestamp=int(time.time() - days_ago * DAY))
    conversation = conn.execute("select id from whatsapp.conversations where wa_id = %s order by id desc limit 1",
                                (customer,)).fetchone()[0]
    return conversation, clid


def _sell(client, tenant, conversation, sale_ref):
    return client.post("/api/v1/whatsapp/sales", headers={"x-api-key": tenant.api_key},
                       json={"conversation_id": conversation, "value": 120, "sale_ref": sale_ref})


def _sent_clid(conn, answer):
    return conn.execute("select user_data ->> 'ctwa_clid' from tracking.events where event_id = %s",
                        (answer.json()["event_id"],)).fetchone()[0]


def test_a_click_older_than_seven_days_is_not_sent_by_default(client, dsn, conn):
    tenant, fake = _tenant(dsn, client)
    recent, recent_clid = _clicked(conn, fake, days_ago=6)
    old, _ = _clicked(conn, fake, days_ago=8)
    very_old, _ = _clicked(conn, fake, days_ago=537)
    events_before = conn.execute("select count(*) from tracking.events").fetchone()[0]

    for conversation, ref in ((old, "old-1"), (very_old, "very-old-1")):
        r = _sell(client, tenant, conversation, ref)
        assert r.status_code == 422, r.text
        err = r.json()["error"]
        assert err["code"] == "no_ad_referral", err
        assert "ctwa_clid" in err["message"] and "7 days" in err["message"], err["message"]
    assert conn.execute("select count(*) from tracking.events").fetchone()[0] == events_before
    assert conn.execute("select count(*) from whatsapp.sales where sale_ref in ('old-1', 'very-old-1')"
                        ).fetchone()[0] == 0

    r = _sell(client, tenant, recent, "recent-1")
    assert r.status_code == 201, r.text
    assert r.json()["attribution"] == "conversation" and _sent_clid(conn, r) == recent_clid

    # two days later the click is 8 days old: posting the recorded sale again is still a repeat
    conn.execute("select set_config('trackai.now', (now() + interval '2 days')::text, false)")
    again = conn.execute("select http_status, response from whatsapp.ingest_sale(%s, %s, null, 'req-again')",
                         (hashlib.sha256(tenant.api_key.encode()).hexdigest(),
                          json.dumps({"conversation_id": recent, "value": 120, "sale_ref": "recent-1"}))).fetchone()
    assert again[0] == 200 and again[1]["duplicate"] is True and again[1]["event_id"] == r.json()["event_id"]


def test_the_window_is_the_companys_setting(client, dsn, conn):
    tenant, fake = _tenant(dsn, client)
    eight_days, eight_days_clid = _clicked(conn, fake, days_ago=8)
    two_days, _ = _clicked(conn, fake, days_ago=2)

    conn.execute("insert into whatsapp.settings (company_id, ctwa_window_days) values (%s, 10)", (tenant.company_id,))
    r = _sell(client, tenant, eight_days, "eight-days-1")
    assert r.status_code == 201, r.text
    assert _sent_clid(conn, r) == eight_days_clid

    conn.execute("update whatsapp.settings set ctwa_window_days = 1 where company_id = %s", (tenant.company_id,))
    r = _sell(client, tenant, two_days, "two-days-1")
    assert r.status_code == 422 and r.json()["error"]["code"] == "no_ad_referral", r.text
    assert "more than 1 day ago" in r.json()["error"]["message"]
