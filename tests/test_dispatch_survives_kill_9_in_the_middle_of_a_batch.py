"""`kill -9` of a dispatcher while Meta is answering its batch: every event is still delivered, and an
event goes twice only when Meta had accepted it but our commit never happened - with the same event_id."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from core.settings import REPO_ROOT
from tests.dispatchutil import (
    dispatch_settings,
    drain,
    event_ids,
    meta_fake,
    new_pixel,
    new_tenant,
    new_token,
    record_events,
    statuses,
    worker,
)


def test_every_event_is_delivered_and_resends_are_only_the_uncommitted_ones(conn, dsn):
    pixel, token = new_pixel(), new_token()
    company, _ = new_tenant(conn, pixel, token)
    pks = record_events(conn, company, 2500)
    ids = event_ids(conn, pks)

    with meta_fake((pixel, token)) as (fake, url):
        fake.set_faults(latency_ms=800)
        env = {**os.environ, "DATABASE_URL": dsn, "META_GRAPH_URL": url, "DISPATCH_VT_S": "2",
               "META_TIMEOUT_S": "5"}
        proc = subprocess.Popen([sys.executable, "-m", "trackai.cli", "work", "dispatch"], cwd=REPO_ROOT,
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 20
            # wait until its first batch is in Meta's hands, then kill it mid-request
            while not any(r["method"] == "POST" for r in fake.requests()):
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.02)
            time.sleep(0.3)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(5)
        assert statuses(conn, pks).get("sent", 0) < 2500

        fake.set_faults(latency_ms=0)
        w = worker(dispatch_settings(dsn, url))
        drain(w, dsn, lambda c: statuses(c, pks) == {"sent": 2500}, timeout_s=30)
        time.sleep(1)  # let the killed request finish inside the fake (Meta would still process it)
        copies = {i: fake.deliveries(i) for i in ids}

    committed = {r[0] for r in conn.execute("select fbtrace_id from delivery.attempts"
                                            " where outcome = 'sent'")}
    assert all(copies[i] for i in ids), "an event was never delivered"
    resent = [i for i in ids if len(copies[i]) > 1]
    for i in ids:
        *earlier, last = copies[i]
        assert last.fbtrace_id in committed and last.event_id == i
        # a copy Meta holds that we never recorded: the crash fell between Meta's answer and our commit
        assert all(c.fbtrace_id not in committed and c.event_id == i for c in earlier)
    assert len(resent) in (0, 1000)  # none, or exactly the batch that was in flight
