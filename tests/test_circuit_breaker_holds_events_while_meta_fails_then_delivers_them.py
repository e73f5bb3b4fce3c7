"""Meta answering 500 to everything: the breakers open (alert, realtime-published change), events are held
in the queue - none is failed - probes go out after each cool-down, and once Meta recovers the probe
closes the breaker and every event is delivered once, with its original event_id."""

from __future__ import annotations

import time

from tests.dispatchutil import (
    dispatch_settings,
    drain,
    event_ids,
    meta_fake,
    new_pixel,
    new_tenant,
    new_token,
    record_events,
    set_delivery,
    statuses,
    worker,
)


def breaker_states(conn) -> dict:
    return dict(conn.execute("select coalesce(destination_id::text, 'meta'), state"
                             " from delivery.breakers").fetchall())


def test_breaker_opens_during_an_outage_and_closes_after_it(conn, dsn):
    set_delivery(conn, backoff_s=[0.1], jitter=0, breaker_min_attempts=3, breaker_cooldown="1 second",
                 probe_timeout="5 seconds")
    pixel, token = new_pixel(), new_token()
    company, dest = new_tenant(conn, pixel, token)
    pks = record_events(conn, company, 200)

    with meta_fake((pixel, token)) as (fake, url):
        fake.set_faults(error_rate=1.0)
        w = worker(dispatch_settings(dsn, url))
        drain(w, dsn, lambda c: breaker_states(c).get("meta") == "open")
        opened_after = len(fake.requests())
        assert opened_after == 3  # min attempts reached, 3/3 failed

        # the outage goes on: only probes reach Meta, one per cool-down, and they fail
        outage_end = time.monotonic() + 3.0
        drain(w, dsn, lambda c: time.monotonic() > outage_end, timeout_s=10)
        during = len(fake.requests()) - opened_after
        assert 1 <= during <= 4
        assert "dead" not in statuses(conn, pks) and "sent" not in statuses(conn, pks)
        assert breaker_states(conn)["meta"] in ("open", "half_open")
        alerts = conn.execute("select kind, company_id, resolved_at from delivery.alerts"
                              " where kind = 'breaker_opened'").fetchall()
        assert ("breaker_opened", None, None) in alerts  # Meta-wide, open

        fake.clear_faults()
        drain(w, dsn, lambda c: statuses(c, pks) == {"sent": 200}, timeout_s=15)
        assert all(len(fake.deliveries(i)) == 1 for i in event_ids(conn, pks))

    assert breaker_states(conn) == {"meta": "closed", str(dest): "closed"}
    changes = [r for r in conn.execute("select from_state, to_state from delivery.breaker_changes"
                                       " where scope = 'meta' order by id")]
    assert changes[0] == ("closed", "open") and changes[-1] == ("half_open", "closed")
    assert ("open", "half_open") in changes and ("half_open", "open") in changes
    assert conn.execute("select count(*) from delivery.alerts"
                        " where kind = 'breaker_opened' and resolved_at is null").fetchone()[0] == 0
    probes = conn.execute("select count(*) from delivery.attempts where probe").fetchone()[0]
    assert probes >= 2
