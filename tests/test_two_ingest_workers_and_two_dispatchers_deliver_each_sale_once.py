"""Scaling out (issue 16): two `trackai work ingest` and two `trackai work dispatch` processes share the
same queues. Every sale is posted three times, the copies in different batches, so that both ingest
workers meet the same sales at the same moments; each sale still becomes one event, delivered to the
Meta fake exactly once."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from bench.common import start_workers
from bench.dispatch import stop
from core import tenants
from core.settings import load
from tests.apiutil import PP_TOKEN, postback
from tests.dispatchutil import meta_fake, new_pixel, new_tenant, new_token

pytestmark = pytest.mark.faults

SALES = 400
COPIES = 3


def test_each_sale_is_one_event_delivered_once_by_two_of_each_worker(conn, dsn):
    pixel, token = new_pixel(), new_token()
    company, _ = new_tenant(conn, pixel, token)
    key = tenants.add_endpoint(conn, company, "perfectpay", PP_TOKEN)
    run = uuid.uuid4().hex[:6]
    bodies = [json.dumps(postback(code=f"SC-{run}-{i}")) for i in range(SALES)]

    with meta_fake((pixel, token)) as (fake, url):
        secret = load().secret_key
        workers = start_workers("ingest", dsn, secret, 2)
        workers += start_workers("dispatch", dsn, secret, 2, env={"META_GRAPH_URL": url, "META_TIMEOUT_S": "5"})
        try:
            # batches of 50 in turn from each copy round: the workers read them as they come
            for copy in range(COPIES):
                for i in range(0, SALES, 50):
                    chunk = bodies[i:i + 50]
                    conn.execute("select count(*) from tracking.ingest_webhook_batch("
                                 "'perfectpay', %s, %s, %s, %s::jsonb[], %s)",
                                 ([key] * len(chunk), chunk, [PP_TOKEN] * len(chunk), ["{}"] * len(chunk),
                                  [f"sc-{copy}-{i + k}" for k in range(len(chunk))]))
            deadline = time.monotonic() + 120
            while conn.execute("select count(*) from tracking.events where company_id = %s and status = 'sent'",
                               (company,)).fetchone()[0] < SALES or conn.execute(
                    "select exists (select 1 from pgmq.q_ingest) or exists (select 1 from pgmq.q_dispatch)"
            ).fetchone()[0]:
                assert time.monotonic() < deadline, "the workers did not deliver every sale within 2 minutes"
                time.sleep(0.1)
        finally:
            stop(workers)

        inbound = dict(conn.execute("select status, count(*) from tracking.inbound where company_id = %s"
                                    " group by 1", (company,)).fetchall())
        assert inbound == {"processed": SALES * COPIES}
        events = conn.execute("select provider_ref, event_id from tracking.events where company_id = %s",
                              (company,)).fetchall()
        assert sorted(ref for ref, _ in events) == sorted(f"SC-{run}-{i}" for i in range(SALES))
        for _, event_id in events:
            assert len(fake.deliveries(event_id)) == 1, f"event {event_id} reached Meta more or less than once"
        assert len(fake.accepted_events(pixel_id=pixel)) == SALES
        # every copy was seen as one, whichever worker met it first
        assert conn.execute("select count(*) from monitoring.duplicates where company_id = %s",
                            (company,)).fetchone()[0] == SALES * (COPIES - 1)
