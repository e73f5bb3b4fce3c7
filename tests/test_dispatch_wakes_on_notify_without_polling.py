"""`trackai work dispatch` sleeps until pgmq's insert NOTIFY: an event recorded while it sleeps reaches
Meta well before the worker's longest sleep (30 s) would end."""

from __future__ import annotations

import threading
import time

from jobs import base
from jobs.registry import WORKERS
from tests.dispatchutil import (
    dispatch_settings,
    event_ids,
    meta_fake,
    new_pixel,
    new_tenant,
    new_token,
    record_events,
    worker,
)


def test_an_event_recorded_while_the_worker_sleeps_is_sent_within_a_second(conn, dsn):
    assert WORKERS["dispatch"].queue == "dispatch"
    pixel, token = new_pixel(), new_token()
    company, _ = new_tenant(conn, pixel, token)
    with meta_fake((pixel, token)) as (fake, url):
        w = worker(dispatch_settings(dsn, url))
        t = threading.Thread(target=w.run, daemon=True)
        t.start()
        try:
            time.sleep(1.0)  # the worker found nothing and sleeps (up to MAX_SLEEP_S)
            assert base.MAX_SLEEP_S >= 30
            started = time.monotonic()
            pk = record_events(conn, company, 1)[0]
            event_id = event_ids(conn, [pk])[0]
            while not fake.deliveries(event_id):
                assert time.monotonic() - started < 2.0, "not woken by NOTIFY"
                time.sleep(0.01)
        finally:
            w.stop.set()
            t.join(5)
