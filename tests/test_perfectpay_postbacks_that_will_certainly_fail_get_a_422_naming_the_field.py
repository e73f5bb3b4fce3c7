"""Honest acknowledgements: a Perfect Pay postback whose amount or currency will certainly fail is answered
422 naming the field, not 200. It is still stored raw (status 'failed', replayable after the fix), queues
nothing, and the company's 'processing_failed' alert opens at the next minute's evaluation."""

from __future__ import annotations

import json

import pytest

from tests.apiutil import postback

BROKEN = [
    ("sale_amount", "abc"),
    ("sale_amount", -197.0),
    ("sale_amount", "197,90"),
    ("sale_amount", "1" + "0" * 29),  # 30 digits: no sales table column holds it
    ("sale_amount", 1e308),
    ("currency_enum_key", "REAIS"),
]


@pytest.mark.parametrize(("field", "value"), BROKEN, ids=[f"{f}={v!r}"[:40] for f, v in BROKEN])
def test_a_field_that_will_certainly_fail_is_a_422_naming_it_and_the_postback_is_kept(client, tenant, conn,
                                                                                      field, value):
    code = f"PP-BROKEN-{abs(hash((field, str(value)))) % 10**8}"
    r = client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}",
                    content=json.dumps(postback(code=code, **{field: value})),
                    headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert (error["code"], error["field"]) == ("invalid_field", field)
    assert field in error["message"] and error["request_id"] == r.headers["x-request-id"]

    status, body, message = conn.execute("select status, body, error from tracking.inbound where id = %s",
                                         (error["inbound_id"],)).fetchone()
    assert status == "failed" and body["code"] == code and body["token"] == "[redacted]"
    assert field in message
    assert conn.execute("select count(*) from pgmq.q_ingest where (message->>'inbound')::bigint = %s",
                        (error["inbound_id"],)).fetchone()[0] == 0
    assert conn.execute("select count(*) from tracking.events where provider_ref = %s", (code,)).fetchone()[0] == 0
    assert conn.execute("select error_code from tracking.rejected_requests where request_id = %s",
                        (error["request_id"],)).fetchone() == ("invalid_field",)


def test_a_good_amount_with_a_known_currency_is_still_a_200(client, tenant):
    r = client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}",
                    json=postback(code="PP-GOOD-AMOUNT", sale_amount="197.90", currency_enum_key="usd"))
    assert r.status_code == 200, r.text


def test_the_refused_postbacks_open_the_processing_failed_alert_within_a_minute(client, tenant, conn):
    client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=postback(code="PP-ALERT", sale_amount="x"))
    conn.execute("select monitoring.evaluate_alerts()")  # what pg_cron runs every minute
    row = conn.execute("select status, details from monitoring.alerts where company_id = %s"
                       " and code = 'processing_failed'", (tenant.company_id,)).fetchone()
    assert row is not None and row[0] == "firing"
    assert row[1]["failed_requests"] >= 1 and "sale_amount" in row[1]["last_error"]
