"""A postback Meta would refuse (no buyer data it can match) is acknowledged, then stops at the gate: the
event is 'invalid' with the rule it broke, is counted in the monitoring views and the accuracy report,
opens an alert that names the field, and never reaches Meta (the strict fake). The gateway's corrected
copy of the same sale is judged again and goes out once."""

from __future__ import annotations

import uuid

import pytest

from tests.apiutil import api_client, make_tenant, postback
from tests.dispatchutil import dispatch_settings, drain, meta_fake, worker

TOKEN = "EAAtesttoken"
NO_CUSTOMER = [("missing", ...), ("null", None), ("a string", "Maria"), ("empty", {})]


@pytest.fixture(scope="module")
def world(dsn):
    pixel = str(10**14 + uuid.uuid4().int % 10**14)
    tenant = make_tenant(dsn, pixel_id=pixel)
    with meta_fake((pixel, TOKEN)) as (fake, url), api_client(dsn) as client:
        yield tenant, client, fake, worker(dispatch_settings(dsn, url))


def sale(code: str, customer) -> dict:
    body = postback(code=code)
    if customer is ...:
        del body["customer"]
    else:
        body["customer"] = customer
    return body


@pytest.mark.parametrize(("label", "customer"), NO_CUSTOMER, ids=[label for label, _ in NO_CUSTOMER])
def test_a_sale_without_buyer_data_is_invalid_and_never_sent(world, dsn, conn, label, customer):
    tenant, client, fake, dispatcher = world
    code = f"PP-NOBUYER-{uuid.uuid4().hex[:8]}"
    r = client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=sale(code, customer))
    assert r.status_code == 200, r.text  # nothing certain at the door: a visitor could have supplied the data
    status, last_error = conn.execute("select status, last_error from tracking.events where provider_ref = %s",
                                      (code,)).fetchone()
    assert status == "invalid" and last_error.startswith("customer_information: ")
    drain(dispatcher, dsn, lambda c: c.execute("select count(*) from pgmq.q_dispatch").fetchone()[0] == 0)
    assert fake.accepted_events(event_id=r.json()["event_id"]) == []


def test_invalid_events_are_counted_in_the_views_and_open_an_alert_naming_the_field(world, conn):
    tenant = world[0]
    invalid = conn.execute("select coalesce(sum(events), 0) from monitoring.events_daily"
                           " where company_id = %s and status = 'invalid'", (tenant.company_id,)).fetchone()[0]
    assert invalid == len(NO_CUSTOMER)
    accuracy = conn.execute("select invalid, not_sent_reasons from monitoring.accuracy where company_id = %s",
                            (tenant.company_id,)).fetchone()
    assert accuracy[0] == len(NO_CUSTOMER) and accuracy[1]["invalid:customer_information"] == len(NO_CUSTOMER)
    conn.execute("select monitoring.evaluate_alerts()")
    status, details = conn.execute("select status, details from monitoring.alerts where company_id = %s"
                                   " and code = 'invalid_events'", (tenant.company_id,)).fetchone()
    assert status == "firing" and details["top_rule"] == "customer_information"
    assert details["field"] == "customer" and details["message_pt"] and details["message_en"]
    assert "comprador" in details["diagnosis"] and "buyer" in details["diagnosis"]  # what Slack and e-mail show


def test_the_gateways_corrected_copy_is_judged_again_and_reaches_meta_once(world, dsn, conn):
    tenant, client, fake, dispatcher = world
    code = f"PP-FIXED-{uuid.uuid4().hex[:8]}"
    first = client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=sale(code, {}))
    status = conn.execute("select status from tracking.events where provider_ref = %s", (code,)).fetchone()
    assert status == ("invalid",)
    again = client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=postback(code=code))
    assert again.json()["event_id"] == first.json()["event_id"]
    assert conn.execute("select count(*), min(status) from tracking.events where provider_ref = %s",
                        (code,)).fetchone() == (1, "queued")
    drain(dispatcher, dsn, lambda c: c.execute("select status from tracking.events where provider_ref = %s",
                                               (code,)).fetchone()[0] == "sent")
    assert len(fake.accepted_events(event_id=first.json()["event_id"])) == 1
