"""`kill -9` of the API under load: clients retry what was not acknowledged; every acknowledged postback
is stored as one event and reaches the Meta fake exactly once by event_id."""

from __future__ import annotations

import random
import time
import uuid

import pytest

from bench.faults import Clients, assert_each_delivered_once, free_port, kill_9, serve_api, size
from core import tenants
from tests.apiutil import PP_TOKEN, process_ingest
from tests.dispatchutil import dispatch_settings, drain, meta_fake, new_pixel, new_tenant, new_token, worker

pytestmark = pytest.mark.faults


def test_acknowledged_postbacks_survive_kill_9_of_the_api_and_reach_meta_once(conn, dsn):
    pixel, token = new_pixel(), new_token()
    company, _ = new_tenant(conn, pixel, token)
    key = tenants.add_endpoint(conn, company, "perfectpay", PP_TOKEN)
    seed = random.randrange(10**6)
    rng = random.Random(seed)
    kills, threads, per_thread = size(2, 5), 8, size(40, 250)
    total = threads * per_thread
    port = free_port()

    api = serve_api(dsn, port)
    clients = Clients(f"http://127.0.0.1:{port}/webhooks/perfectpay/{key}", threads, per_thread,
                      f"K9-{uuid.uuid4().hex[:6]}").start()
    try:
        for k in range(kills):
            # a random moment in each slice of the load
            target = total * (k + rng.uniform(0.3, 0.9)) / (kills + 1)
            while clients.count() < target:
                time.sleep(0.01)
            kill_9(api)
            time.sleep(rng.uniform(0.0, 1.0))
            api = serve_api(dsn, port)
        clients.join()
    finally:
        kill_9(api)

    process_ingest(dsn)  # what the API stored before each kill is processed by the ingest worker
    assert clients.statuses["no answer"] > 0, f"no request was cut by the kills (seed {seed})"
    assert len(clients.acked) == total
    stored = dict(conn.execute("select provider_ref, event_id from tracking.events where company_id = %s",
                               (company,)).fetchall())
    assert stored == clients.acked, f"the database holds other sales than the acknowledged ones (seed {seed})"

    ids = list(clients.acked.values())
    sent = "select count(*) from tracking.events where company_id = %s and status = 'sent'"
    with meta_fake((pixel, token)) as (fake, url):
        drain(worker(dispatch_settings(dsn, url)), dsn,
              lambda c: c.execute(sent, (company,)).fetchone()[0] == total, timeout_s=60)
        assert assert_each_delivered_once(fake, conn, company, ids) == 0
        assert len(fake.accepted_events(pixel_id=pixel)) == total
