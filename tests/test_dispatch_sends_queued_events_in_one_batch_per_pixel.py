"""Queued events of two pixels go out as one request per pixel, each event once, with its attempt recorded
and its whole history readable in one query."""

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


def test_each_pixel_gets_one_request_carrying_all_its_events(conn, dsn):
    p1, t1, p2, t2 = new_pixel(), new_token(), new_pixel(), new_token()
    c1, d1 = new_tenant(conn, p1, t1, test_event_code="TEST4242")
    c2, _ = new_tenant(conn, p2, t2)
    evs1 = record_events(conn, c1, 40)
    evs2 = record_events(conn, c2, 25)

    with meta_fake((p1, t1), (p2, t2)) as (fake, url):
        settings = dispatch_settings(dsn, url, meta_api_version="v25.0")
        w = worker(settings)
        drain(w, dsn, lambda c: statuses(c, evs1 + evs2) == {"sent": 65})
        posts = [r for r in fake.requests() if r["method"] == "POST"]
        assert len(posts) == 2 and all(r["status"] == 200 for r in posts)
        assert sorted(r["path"] for r in posts) == sorted(f"/v25.0/{p}/events" for p in (p1, p2))
        for pks, pixel in ((evs1, p1), (evs2, p2)):
            for event_id in event_ids(conn, pks):
                copies = fake.deliveries(event_id)
                assert len(copies) == 1 and copies[0].pixel_id == pixel
        assert {e.test_event_code for e in fake.accepted_events(pixel_id=p1)} == {"TEST4242"}
        assert {e.test_event_code for e in fake.accepted_events(pixel_id=p2)} == {None}
        sent = fake.deliveries(event_ids(conn, evs1[:1])[0])[0]
        epoch = conn.execute("select floor(extract(epoch from event_time))::bigint from tracking.events"
                             " where id = %s", (evs1[0],)).fetchone()[0]
        assert sent.event["event_time"] == epoch

    assert conn.execute("select count(*) from pgmq.q_dispatch").fetchone()[0] == 0
    attempt = conn.execute(
        "select http_status, outcome, events_received, event_count, fbtrace_id, latency_ms, pixel_id"
        " from delivery.attempts where destination_id = %s", (d1,)).fetchall()
    assert len(attempt) == 1
    status, outcome, received, count, trace, latency, pixel = attempt[0]
    assert (status, outcome, received, count, pixel) == (200, "sent", 40, 40, p1)
    assert trace and trace.startswith("A") and latency >= 0

    history = conn.execute(
        "select status, sent_at is not null, attempt_id, http_status, fbtrace_id from delivery.event_history"
        " where event_id = %s", (event_ids(conn, evs1[5:6])[0],)).fetchall()
    assert history == [("sent", True, history[0][2], 200, trace)]
