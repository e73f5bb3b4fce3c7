"""Dedup under real concurrency: ten sessions deliver the same postback at the same instant, all ten are
stored and answered with the same event_id; ten sessions then process them at the same instant, and
exactly one event is recorded and queued."""

from __future__ import annotations

import json
import threading

import psycopg

from tests.apiutil import PP_TOKEN, make_tenant, postback

COPIES = 10


def test_ten_concurrent_copies_yield_exactly_one_queued_event(dsn):
    tenant = make_tenant(dsn)
    body = json.dumps(postback(code="PP-STORM-1"))
    conns = [psycopg.connect(dsn, autocommit=True) for _ in range(COPIES)]
    barrier = threading.Barrier(COPIES)
    answers: list = [None] * COPIES

    def deliver(i: int) -> None:
        barrier.wait()
        answers[i] = conns[i].execute(
            "select http_status, response from tracking.ingest_webhook('perfectpay', %s, %s, %s, '{}', %s)",
            (tenant.perfectpay_key, body, PP_TOKEN, f"storm-{i}")).fetchone()

    threads = [threading.Thread(target=deliver, args=(i,)) for i in range(COPIES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    for c in conns:
        c.close()

    assert all(a is not None and a[0] == 200 for a in answers), answers
    event_ids = {a[1]["event_id"] for a in answers}
    assert len(event_ids) == 1

    # the ingest worker's processing, ten sessions at once, one stored copy each
    conns = [psycopg.connect(dsn, autocommit=True) for _ in range(COPIES)]
    barrier = threading.Barrier(COPIES)

    def process(i: int) -> None:
        barrier.wait()
        conns[i].execute("select * from tracking.process_inbound_batch(%s::bigint[])", ([answers[i][1]["inbound_id"]],))

    threads = [threading.Thread(target=process, args=(i,)) for i in range(COPIES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    for c in conns:
        c.close()
    with psycopg.connect(dsn, autocommit=True) as conn:
        events = conn.execute("select id, status from tracking.events where provider_ref = 'PP-STORM-1'").fetchall()
        assert len(events) == 1 and events[0][1] == "queued"
        queued = conn.execute("select count(*) from pgmq.q_dispatch where (message->>'event')::bigint = %s",
                              (events[0][0],)).fetchone()[0]
        assert queued == 1
        stored = conn.execute(
            "select count(*) from tracking.inbound where body->>'code' = 'PP-STORM-1'").fetchone()[0]
        assert stored == COPIES
        key = conn.execute("select event_pk from tracking.event_keys where event_id = %s",
                           (event_ids.pop(),)).fetchone()
        assert key[0] == events[0][0]
