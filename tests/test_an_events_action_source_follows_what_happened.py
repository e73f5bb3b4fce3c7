"""action_source is chosen by what happened (tracking.action_source_rules), never system_generated for a
purchase a person made: a checkout is website when its page and browser are known, else other; an
automatic subscription renewal (Perfect Pay's charges_made above 1) is system_generated; a CRM business
event is system_generated or physical_store, as its mapping says."""

from __future__ import annotations

from tests.apiutil import ORIGIN, postback

UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36"


def action_source(conn, code: str) -> tuple[str, str | None, str]:
    return conn.execute("select action_source, event_source_url, status from tracking.events"
                        " where provider_ref = %s", (code,)).fetchone()


def test_a_checkout_after_a_visit_is_website_on_the_visited_page(client, tenant, conn):
    visit = {"event_name": "PageView", "event_id": "pv-as-0001", "visitor_id": "v-action-source-1",
             "url": "https://loja.example.com.br/oferta"}
    assert client.post(f"/collect?key={tenant.collector_key}", json=visit,
                       headers={"Origin": ORIGIN, "User-Agent": UA}).status_code == 202
    client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=postback(code="AS-1", src="v-action-source-1"))
    assert action_source(conn, "AS-1") == ("website", "https://loja.example.com.br/oferta", "queued")


def test_a_checkout_whose_page_is_unknown_is_other_not_system_generated(client, tenant, conn):
    client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=postback(code="AS-2"))
    assert action_source(conn, "AS-2") == ("other", None, "queued")


def test_an_automatic_renewal_is_system_generated(client, tenant, conn):
    renewal = postback(code="AS-3", subscription={"code": "SUB1", "charges_made": 3})
    client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=renewal)
    assert action_source(conn, "AS-3")[0] == "system_generated"
    first = postback(code="AS-4", subscription={"code": "SUB2", "charges_made": 1})
    client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=first)
    assert action_source(conn, "AS-4")[0] == "other"  # the first charge is the buyer's own checkout


def test_a_crm_event_takes_the_action_source_of_its_mapping(client, tenant, conn):
    auth = {"authorization": f"Bearer {tenant.api_key}"}
    conn.execute("insert into tracking.event_mappings (company_id, business_event, deal_status, meta_event,"
                 " action_source) values (%s, 'ContractSigned', '*', 'Purchase', 'physical_store')",
                 (tenant.company_id,))
    signed = client.post("/api/v1/conversions", headers=auth, json={
        "id": "as-crm-1", "event": "ContractSigned", "lead": {"id": "L9", "email": "l9@example.com"},
        "deal": {"id": "D9", "value": 1200, "currency": "BRL"}})
    assert signed.status_code == 202, signed.text
    assert conn.execute("select action_source, status from tracking.events where event_id = %s",
                        (signed.json()["event_id"],)).fetchone() == ("physical_store", "queued")
    lead = client.post("/api/v1/conversions", headers=auth, json={
        "id": "as-crm-2", "event": "LeadCreated", "lead": {"id": "L9", "email": "l9@example.com"}})
    assert conn.execute("select action_source from tracking.events where event_id = %s",
                        (lead.json()["event_id"],)).fetchone()[0] == "system_generated"
