"""One poisoned event in a batch of 1,000: Meta rejects the whole batch (100/2804xxx), the dispatcher
bisects it, 999 are delivered once each and the bad one is dead-lettered with Meta's message."""

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
    statuses,
    worker,
)


def test_999_delivered_and_the_poisoned_one_dead_lettered_with_metas_message(conn, dsn):
    pixel, token = new_pixel(), new_token()
    company, dest = new_tenant(conn, pixel, token)
    pks = record_events(conn, company, 1000)
    ids = event_ids(conn, pks)
    poisoned_pk, poisoned = pks[613], ids[613]

    with meta_fake((pixel, token)) as (fake, url):
        fake.reject_event_ids(poisoned, subcode=2804019)
        w = worker(dispatch_settings(dsn, url))
        drain(w, dsn, lambda c: statuses(c, pks) == {"sent": 999, "dead": 1}, timeout_s=60)
        assert fake.deliveries(poisoned) == []
        assert all(len(fake.deliveries(i)) == 1 for i in ids if i != poisoned)
        requests = [r for r in fake.requests() if r["method"] == "POST"]
        # the first request carried all 1,000; bisection takes about 2 * log2(1000) more
        assert len(requests) <= 25

    status, last_error = conn.execute("select status, last_error from tracking.events where id = %s",
                                      (poisoned_pk,)).fetchone()
    assert status == "dead"
    assert "2804019" in last_error and "One invalid event rejects the whole batch" in last_error
    letter = conn.execute("select reason, error_code, error_subcode, error_message, destination_id"
                          " from delivery.dead_letters where event_pk = %s", (poisoned_pk,)).fetchall()
    assert len(letter) == 1
    reason, code, subcode, message, letter_dest = letter[0]
    assert (code, subcode, letter_dest) == (100, 2804019, dest)
    assert reason.startswith("invalid_parameter") and f"Event {poisoned} was rejected" in message
    outcomes = dict(conn.execute("select outcome, count(*) from delivery.attempts"
                                 " group by outcome").fetchall())
    assert outcomes["dead"] == 1 and outcomes["bisect"] >= 9 and outcomes["sent"] >= 2
    assert conn.execute("select count(*) from pgmq.q_dispatch").fetchone()[0] == 0
