"""Four dispatchers on one queue holding a second message for every event (a redelivery), with Meta
slower than the visibility timeout: no event is sent twice, none is lost."""

from __future__ import annotations

import threading
import time

from tests.dispatchutil import (
    dispatch_settings,
    event_ids,
    meta_fake,
    new_pixel,
    new_tenant,
    new_token,
    record_events,
    statuses,
    worker,
)


def test_concurrent_dispatchers_deliver_each_event_exactly_once(conn, dsn):
    pixel, token = new_pixel(), new_token()
    company, _ = new_tenant(conn, pixel, token)
    pks = record_events(conn, company, 1500)
    conn.execute("select pgmq.send_batch('dispatch', array(select jsonb_build_object('event', id,"
                 " 'destination', destination_id) from tracking.events where id = any(%s)))", (pks,))
    assert conn.execute("select count(*) from pgmq.q_dispatch").fetchone()[0] == 3000

    with meta_fake((pixel, token)) as (fake, url):
        fake.set_faults(latency_ms=1200)  # longer than the 1 s visibility timeout: messages reappear mid-send
        settings = dispatch_settings(dsn, url, meta_timeout_s=5, dispatch_vt_s=1)
        workers = [worker(settings) for _ in range(4)]
        threads = [threading.Thread(target=w.run, daemon=True) for w in workers]
        for t in threads:
            t.start()
        try:
            deadline = time.monotonic() + 40
            # done when all are sent and every leftover duplicate message was read again and dropped
            while statuses(conn, pks) != {"sent": 1500} or queue_depth(conn):
                assert time.monotonic() < deadline, statuses(conn, pks)
                time.sleep(0.1)
        finally:
            for w in workers:
                w.stop.set()
            for t in threads:
                t.join(5)
        copies = {i: len(fake.deliveries(i)) for i in event_ids(conn, pks)}

    assert set(copies.values()) == {1}


def queue_depth(conn) -> int:
    return conn.execute("select count(*) from pgmq.q_dispatch").fetchone()[0]
