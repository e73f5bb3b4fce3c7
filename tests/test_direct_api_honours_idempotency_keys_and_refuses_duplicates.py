"""Server-to-server API: API key auth, X-Idempotency-Key semantics, 409 for a business fact already
recorded, and CRM business events mapped per company."""

from __future__ import annotations


def _auth(tenant, **extra):
    return {"X-Api-Key": tenant.api_key, **extra}


PURCHASE = {"order_id": "ORD-1001", "value": 350.5, "currency": "BRL", "email": "cliente@example.com",
            "phone": "(11) 98765-4321", "name": "Ana Souza"}


def test_a_missing_or_wrong_api_key_is_refused(client, tenant):
    for headers in ({}, {"X-Api-Key": "tai_wrong"}, {"Authorization": "Bearer tai_wrong"}):
        r = client.post("/api/purchases/record", json=PURCHASE, headers=headers)
        assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_api_key"


def test_the_bearer_form_of_the_key_works(client, tenant):
    r = client.post("/api/leads/capture", json={"email": "bearer@example.com"},
                    headers={"Authorization": f"Bearer {tenant.api_key}"})
    assert r.status_code == 201, r.text


def test_same_idempotency_key_and_body_gives_the_same_answer(client, tenant, conn):
    first = client.post("/api/purchases/record", json=PURCHASE, headers=_auth(tenant, **{"X-Idempotency-Key": "k-1"}))
    again = client.post("/api/purchases/record", json=PURCHASE, headers=_auth(tenant, **{"X-Idempotency-Key": "k-1"}))
    assert first.status_code == 201, first.text
    assert again.status_code == 201 and again.json() == first.json()
    assert conn.execute("select count(*) from tracking.events where provider_ref = 'ORD-1001'").fetchone()[0] == 1


def test_same_idempotency_key_with_another_body_is_a_422(client, tenant):
    r = client.post("/api/purchases/record", json={**PURCHASE, "value": 999},
                    headers=_auth(tenant, **{"X-Idempotency-Key": "k-1"}))
    assert r.status_code == 422 and r.json()["error"]["code"] == "idempotency_key_reused"


def test_a_business_fact_already_recorded_is_a_409_with_the_existing_event_id(client, tenant):
    first = client.post("/api/purchases/record", json={**PURCHASE, "order_id": "ORD-2002"}, headers=_auth(tenant))
    second = client.post("/api/purchases/record", json={**PURCHASE, "order_id": "ORD-2002"}, headers=_auth(tenant))
    assert first.status_code == 201
    assert second.status_code == 409
    err = second.json()["error"]
    assert err["code"] == "duplicate_event" and err["event_id"] == first.json()["event_id"]


def test_a_conversion_with_the_browser_event_id_keeps_it(client, tenant, conn):
    r = client.post("/api/meta/conversions", headers=_auth(tenant), json={
        "event_name": "Lead", "event_id": "browser-evt-123456", "event_source_url": "https://loja.example.com.br/",
        "user_data": {"em": "x@example.com", "client_user_agent": "Mozilla/5.0"}})
    assert r.status_code == 201 and r.json()["event_id"] == "browser-evt-123456"
    assert conn.execute("select action_source from tracking.events where event_id = 'browser-evt-123456'"
                        ).fetchone()[0] == "website"


def test_missing_fields_are_named(client, tenant):
    r = client.post("/api/purchases/record", json={"value": 1}, headers=_auth(tenant))
    assert r.status_code == 422 and "order_id" in r.json()["error"]["message"]
    r = client.post("/api/meta/conversions", json={"event_id": "abc12345"}, headers=_auth(tenant))
    assert r.status_code == 422 and "event_name" in r.json()["error"]["message"]


def test_crm_events_are_mapped_per_company(client, tenant, conn):
    created = client.post("/api/v1/conversions", headers=_auth(tenant), json={
        "id": "crm-1", "event": "LeadCreated", "lead": {"id": "L1", "email": "lead1@example.com"}})
    assert created.status_code == 202 and created.json()["status"] == "accepted"
    name = conn.execute("select event_name from tracking.events where event_id = %s",
                        (created.json()["event_id"],)).fetchone()[0]
    assert name == "Lead"

    lost = client.post("/api/v1/conversions", headers=_auth(tenant), json={
        "id": "crm-2", "event": "DealStatusChanged", "deal": {"id": "D1", "status": "lost"}})
    assert lost.status_code == 202 and lost.json()["meta_event"] is None

    conn.execute("insert into tracking.event_mappings (company_id, business_event, deal_status, meta_event)"
                 " values (%s, 'LeadQualified', '*', 'Schedule')", (tenant.company_id,))
    qualified = client.post("/api/v1/conversions", headers=_auth(tenant), json={
        "id": "crm-3", "event": "LeadQualified", "lead": {"id": "L1", "email": "lead1@example.com"}})
    name = conn.execute("select event_name from tracking.events where event_id = %s",
                        (qualified.json()["event_id"],)).fetchone()[0]
    assert name == "Schedule"

    bad = client.post("/api/v1/conversions", headers=_auth(tenant), json={"id": "crm-4", "event": "Nope"})
    assert bad.status_code == 422
