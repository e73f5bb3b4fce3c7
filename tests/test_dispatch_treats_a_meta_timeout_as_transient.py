"""A request Meta does not answer within META_TIMEOUT_S is abandoned and retried (meta_capi.md §1, §5):
the event is not failed and goes again with the same event_id."""

from __future__ import annotations

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


def test_a_timeout_is_recorded_and_the_event_retried_with_the_same_event_id(conn, dsn):
    set_delivery(conn, backoff_s=[0.2], jitter=0)
    pixel, token = new_pixel(), new_token()
    company, dest = new_tenant(conn, pixel, token)
    pks = record_events(conn, company, 3)
    ids = event_ids(conn, pks)

    with meta_fake((pixel, token)) as (fake, url):
        fake.fail_next(1, "timeout", timeout_s=1.0)
        w = worker(dispatch_settings(dsn, url, meta_timeout_s=0.3))
        drain(w, dsn, lambda c: statuses(c, pks) == {"sent": 3})
        first = conn.execute("select failure, outcome, http_status, latency_ms, rule_id"
                             " from delivery.attempts where destination_id = %s order by id limit 1",
                             (dest,)).fetchone()
        assert first[:3] == ("timeout", "retry", None)
        assert 250 <= first[3] < 1000 and first[4] == 10
        # every copy Meta holds (the late one included) carries the original event_id
        copies = [e for i in ids for e in fake.deliveries(i)]
        assert {e.event_id for e in copies} == set(ids)
