"""Duplicate storms over HTTP: the same postback 100 times at once, and the browser and server copies of
one event (same event_id) 50 times each at once - each is one event, sent to Meta once."""

from __future__ import annotations

import threading
import uuid

import httpx
import pytest

from bench.faults import free_port, kill_9, serve_api
from fakes.perfectpay import approved_now
from tests.apiutil import ORIGIN, make_tenant, postback, process_ingest
from tests.dispatchutil import UA, dispatch_settings, drain, meta_fake, new_pixel, worker

pytestmark = pytest.mark.faults

COPIES = 100


def at_once(requests: list) -> list[httpx.Response]:
    """Every request from its own thread and connection, released together."""
    barrier = threading.Barrier(len(requests))
    answers: list = [None] * len(requests)

    def send(i: int) -> None:
        with httpx.Client(timeout=30) as http:
            barrier.wait()
            answers[i] = http.request(**requests[i])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return answers


def test_storms_of_copies_become_one_event_each_delivered_once(conn, dsn):
    pixel = new_pixel()
    tenant = make_tenant(dsn, pixel_id=pixel)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    sale = postback(code=f"STORM-{uuid.uuid4().hex[:8]}", date_approved=approved_now())
    shared_id = f"purchase-{uuid.uuid4().hex}"
    browser = {"method": "POST", "url": f"{base}/collect", "params": {"key": tenant.collector_key},
               "headers": {"Origin": ORIGIN, "User-Agent": UA, "X-Forwarded-For": "200.1.2.3"},
               "json": {"event_name": "Purchase", "event_id": shared_id, "visitor_id": f"v-{uuid.uuid4().hex[:12]}",
                        "url": f"{ORIGIN}/obrigado", "value": "197.00", "currency": "BRL"}}
    server = {"method": "POST", "url": f"{base}/api/meta/conversions", "headers": {"X-Api-Key": tenant.api_key},
              "json": {"event_name": "Purchase", "event_id": shared_id, "event_source_url": f"{ORIGIN}/obrigado",
                       "user_data": {"em": "cliente@example.com", "client_user_agent": UA},
                       "custom_data": {"value": 197.0, "currency": "BRL"}}}

    api = serve_api(dsn, port)
    try:
        postbacks = at_once([{"method": "POST", "url": f"{base}/webhooks/perfectpay/{tenant.perfectpay_key}",
                              "json": sale}] * COPIES)
        pair = at_once([browser, server] * (COPIES // 2))
    finally:
        kill_9(api)
    process_ingest(dsn)  # the ingest worker's part: a hundred stored copies, one event

    assert {r.status_code for r in postbacks} == {200}
    (sale_id,) = {r.json()["event_id"] for r in postbacks}
    assert {r.status_code for r in pair} <= {202, 201, 409}, {r.status_code for r in pair}
    assert {r.json().get("event_id") or r.json()["error"]["event_id"] for r in pair} == {shared_id}
    rows = conn.execute("select event_id from tracking.events where company_id = %s", (tenant.company_id,))
    assert sorted(r[0] for r in rows) == sorted([sale_id, shared_id])

    with meta_fake((pixel, "EAAtesttoken")) as (fake, url):
        drain(worker(dispatch_settings(dsn, url)), dsn, lambda c: c.execute(
            "select count(*) from tracking.events where company_id = %s and status = 'sent'",
            (tenant.company_id,)).fetchone()[0] == 2)
        assert len(fake.deliveries(sale_id)) == 1
        assert len(fake.deliveries(shared_id)) == 1
        assert len(fake.accepted_events(pixel_id=pixel)) == 2
