"""The collector forms visitors and touchpoints from the snippet's events (CORS per company), sends the
server copy with the browser's event_id, and a later sale is matched to its visitor — by the checkout's
src, else by hashed e-mail — carrying the union of the user data, the match key and the lag."""

from __future__ import annotations

import time

import pytest

from tests.apiutil import BEHIND_PROXY, ORIGIN, api_client, postback

UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
FBCLID = "IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYXQvwjNwB_qa2ofrHyiLjcbCRxTDMgk"


@pytest.fixture(scope="module")
def client(dsn):
    with api_client(dsn, **BEHIND_PROXY) as c:
        yield c


def _collect(client, tenant, origin=ORIGIN, **body):
    event = {"event_name": "PageView", "event_id": f"pv-{time.monotonic_ns()}", "visitor_id": "v-0001-abcdef",
             "url": "https://loja.example.com.br/oferta?fbclid=" + FBCLID, "fbclid": FBCLID,
             "fbp": "fb.1.1596403881668.1116446470", "utm_source": "facebook", "utm_campaign": "bf"}
    event.update(body)
    headers = {"Origin": origin, "User-Agent": UA, "X-Forwarded-For": "177.10.20.30"}
    return client.post(f"/collect?key={tenant.collector_key}", json=event, headers=headers)


def test_a_page_view_forms_the_visitor_and_its_touchpoint(client, tenant, conn):
    r = _collect(client, tenant, event_id="pv-first-0001")
    assert r.status_code == 202, r.text
    assert r.headers["access-control-allow-origin"] == ORIGIN
    v = conn.execute("select fbc, fbp, client_ip_address, client_user_agent from tracking.visitors"
                     " where visitor_id = 'v-0001-abcdef'").fetchone()
    assert v[0].startswith("fb.1.") and v[0].endswith("." + FBCLID)  # fbclid kept verbatim (case!)
    assert v[1:] == ("fb.1.1596403881668.1116446470", "177.10.20.30", UA)
    tp = conn.execute("select event_name, utm_source, utm_campaign from tracking.touchpoints"
                      " where visitor_id = 'v-0001-abcdef'").fetchone()
    assert tp == ("PageView", "facebook", "bf")
    # the server copy keeps the browser's event_id, so Meta dedups the pair
    ev = conn.execute("select event_name, action_source, event_source_url, status from tracking.events"
                      " where event_id = 'pv-first-0001'").fetchone()
    assert ev[0:2] == ("PageView", "website") and ev[2].startswith("https://") and ev[3] == "queued"


def test_the_same_browser_event_twice_is_recorded_once(client, tenant, conn):
    _collect(client, tenant, event_id="pv-twice-0001")
    r = _collect(client, tenant, event_id="pv-twice-0001")
    assert r.status_code == 202 and r.json()["duplicate"] is True
    assert conn.execute("select count(*) from tracking.events where event_id = 'pv-twice-0001'").fetchone()[0] == 1


def test_a_sale_with_the_visitor_id_as_src_is_matched_to_the_visitor(client, tenant, conn):
    _collect(client, tenant, event_id="pv-match-0001")
    body = postback(code="PP-MATCH-1", src="v-0001-abcdef")
    body["customer"] = {"email": "comprador@example.com"}  # no IP, no UA from the gateway
    r = client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=body)
    ev = conn.execute("select match_key, match_lag is not null, user_data, action_source, event_source_url,"
                      " match_quality, visitor_id from tracking.events where event_id = %s",
                      (r.json()["event_id"],)).fetchone()
    key, has_lag, ud, action_source, url, quality, visitor = ev
    assert key == "visitor_id" and has_lag and visitor == "v-0001-abcdef"
    assert ud["fbc"].endswith(FBCLID) and ud["fbp"] == "fb.1.1596403881668.1116446470"
    assert ud["client_user_agent"] == UA and ud["client_ip_address"] == "177.10.20.30"
    assert action_source == "website" and url.startswith("https://loja.example.com.br/")
    assert float(quality) >= 6.5


def test_without_src_a_sale_is_matched_by_the_hashed_email_of_an_earlier_lead(client, tenant, conn):
    _collect(client, tenant, event_name="Lead", event_id="lead-0002-xyz", visitor_id="v-0002-lead",
             user_data={"em": "Lead.Person@Example.com"})
    body = postback(code="PP-MATCH-2", src=None)
    body["customer"] = {"email": "lead.person@example.com "}
    r = client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=body)
    key, visitor = conn.execute("select match_key, visitor_id from tracking.events where event_id = %s",
                                (r.json()["event_id"],)).fetchone()
    assert (key, visitor) == ("em", "v-0002-lead")


def test_an_unknown_buyer_is_recorded_without_a_match(client, tenant, conn):
    r = client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=postback(code="PP-NOMATCH"))
    assert conn.execute("select match_key from tracking.events where event_id = %s",
                        (r.json()["event_id"],)).fetchone()[0] is None


def test_an_origin_not_registered_for_the_company_is_refused(client, tenant, conn):
    r = _collect(client, tenant, origin="https://evil.example.net", event_id="pv-evil-0001")
    assert r.status_code == 403 and r.json()["error"]["code"] == "origin_not_allowed"
    assert "access-control-allow-origin" not in r.headers
    pre = client.options(f"/collect?key={tenant.collector_key}", headers={"Origin": "https://evil.example.net"})
    assert pre.status_code == 403
    ok = client.options(f"/collect?key={tenant.collector_key}", headers={"Origin": ORIGIN})
    assert ok.status_code == 204 and ok.headers["access-control-allow-origin"] == ORIGIN


def test_a_browser_event_missing_its_ids_is_a_422(client, tenant):
    r = _collect(client, tenant, event_id="short")
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_fields"
