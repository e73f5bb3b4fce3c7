"""Postgres restarted (`pg_ctl restart -m immediate`) under load, on a throwaway cluster of its own: the
API answers 503 while the database is away, clients retry and the API reconnects; afterwards every
acknowledged postback is stored once and reaches the Meta fake once by event_id (or again with the same
event_id where the restart fell between Meta's answer and the dispatcher's commit)."""

from __future__ import annotations

import os
import time
import uuid

import psycopg
import pytest

from bench.common import start_workers
from bench.dispatch import start_dispatchers, stop
from bench.faults import (
    Clients,
    assert_each_delivered_once,
    free_port,
    kill_9,
    pg_ctl,
    serve_api,
    size,
    throwaway_cluster,
)
from core import tenants
from tests.apiutil import PP_TOKEN
from tests.dispatchutil import meta_fake, new_pixel, new_tenant, new_token

pytestmark = pytest.mark.faults


def wait_all_sent(dsn: str, n: int, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    with psycopg.connect(dsn, autocommit=True) as conn:
        while conn.execute("select count(*) from tracking.events where status = 'sent'").fetchone()[0] < n:
            assert time.monotonic() < deadline, "the dispatcher did not deliver every event after the restart"
            time.sleep(0.2)


def test_a_postgres_restart_under_load_loses_no_acknowledged_postback(monkeypatch):
    monkeypatch.setenv("DISPATCH_VT_S", "2")
    monkeypatch.setenv("INGEST_VT_S", "2")
    restarts, threads, per_thread = size(2, 6), 8, size(40, 250)
    total = threads * per_thread
    pixel, token = new_pixel(), new_token()
    with throwaway_cluster() as (dsn, pgdata), meta_fake((pixel, token)) as (fake, url):
        with psycopg.connect(dsn, autocommit=True) as conn:
            company, _ = new_tenant(conn, pixel, token)
            key = tenants.add_endpoint(conn, company, "perfectpay", PP_TOKEN)
        fake.set_faults(latency_ms=100)
        port = free_port()
        api = serve_api(dsn, port)
        dispatchers = start_dispatchers(dsn, url, os.environ["TRACKAI_SECRET_KEY"], 1) + \
            start_workers("ingest", dsn, os.environ["TRACKAI_SECRET_KEY"], 1)
        try:
            clients = Clients(f"http://127.0.0.1:{port}/webhooks/perfectpay/{key}", threads, per_thread,
                              f"PG-{uuid.uuid4().hex[:6]}").start()
            for k in range(restarts):
                while clients.count() < total * (k + 1) / (restarts + 1):
                    time.sleep(0.01)
                pg_ctl(pgdata, "restart", "-m", "immediate")
            clients.join()
            wait_all_sent(dsn, total)
            time.sleep(1)  # a request cut by the restart finishes inside the fake, as Meta would
        finally:
            stop(dispatchers)
            kill_9(api)

        assert clients.statuses[503] > 0, clients.statuses
        assert set(clients.statuses) <= {200, 503, "no answer"}, clients.statuses
        assert len(clients.acked) == total
        with psycopg.connect(dsn, autocommit=True) as conn:
            stored = dict(conn.execute("select provider_ref, event_id from tracking.events").fetchall())
            assert stored == clients.acked
            assert_each_delivered_once(fake, conn, company, list(clients.acked.values()))
