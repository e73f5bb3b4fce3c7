"""Transient answers (5xx, throttling) put the batch in 'retrying' with backoff; the next try after the
delay delivers it, each event once, with every attempt on record."""

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


def test_a_500_then_a_throttle_are_retried_after_the_backoff_and_then_delivered(conn, dsn):
    set_delivery(conn, backoff_s=[0.4, 0.8], jitter=0)
    pixel, token = new_pixel(), new_token()
    company, dest = new_tenant(conn, pixel, token)
    pks = record_events(conn, company, 20)

    with meta_fake((pixel, token)) as (fake, url):
        fake.fail_next(1, "server_error")
        fake.fail_next(1, "throttle_17")
        w = worker(dispatch_settings(dsn, url))
        drain(w, dsn, lambda c: statuses(c, pks) != {"queued": 20})
        row = conn.execute("select status, attempts, next_attempt_at - retrying_at, last_error"
                           " from tracking.events where id = %s", (pks[0],)).fetchone()
        assert row[:2] == ("retrying", 1) and abs(row[2].total_seconds() - 0.4) < 0.01
        assert "meta_service_error" in row[3]
        invisible = "select count(*) from pgmq.q_dispatch where vt > clock_timestamp()"
        assert conn.execute(invisible).fetchone()[0] == 20

        drain(w, dsn, lambda c: statuses(c, pks) == {"sent": 20})
        assert all(len(fake.deliveries(i)) == 1 for i in event_ids(conn, pks))

    attempts = conn.execute("select outcome, http_status, error_code, attempted_at from delivery.attempts"
                            " where destination_id = %s order by id", (dest,)).fetchall()
    expected = [("retry", 500, 2), ("retry", 400, 17), ("sent", 200, None)]
    assert [(a[0], a[1], a[2]) for a in attempts] == expected
    assert (attempts[1][3] - attempts[0][3]).total_seconds() >= 0.4
    assert (attempts[2][3] - attempts[1][3]).total_seconds() >= 0.8
    assert conn.execute("select min(attempts), max(attempts) from tracking.events where id = any(%s)",
                        (pks,)).fetchone() == (3, 3)
