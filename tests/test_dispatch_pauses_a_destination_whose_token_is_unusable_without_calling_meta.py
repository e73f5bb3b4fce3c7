"""A token that cannot be decrypted (its key left TRACKAI_SECRET_KEY) or that was never saved: the
destination pauses with a diagnosis, its events stay queued, and nothing is sent to Meta."""

from __future__ import annotations

from tests.dispatchutil import (
    dispatch_settings,
    drain,
    meta_fake,
    new_pixel,
    new_tenant,
    new_token,
    record_events,
    statuses,
    worker,
)


def paused(conn, dest) -> tuple:
    return conn.execute("select status, paused_reason from delivery.destinations where id = %s",
                        (dest,)).fetchone()


def test_undecryptable_or_missing_tokens_pause_the_destination(conn, dsn):
    p1, t1, p2, t2 = new_pixel(), new_token(), new_pixel(), new_token()
    c1, d1 = new_tenant(conn, p1, t1)
    c2, d2 = new_tenant(conn, p2, t2)
    conn.execute("update app.secrets set key_id = 'retired' where company_id = %s", (c1,))
    conn.execute("delete from app.secrets where company_id = %s", (c2,))
    e1 = record_events(conn, c1, 4)
    e2 = record_events(conn, c2, 4)

    with meta_fake((p1, t1), (p2, t2)) as (fake, url):
        w = worker(dispatch_settings(dsn, url))
        drain(w, dsn, lambda c: paused(c, d1)[0] == "paused" and paused(c, d2)[0] == "paused")
        assert fake.requests() == []

    assert paused(conn, d1) == ("paused", "token_undecryptable")
    assert paused(conn, d2) == ("paused", "token_missing")
    assert statuses(conn, e1) == {"queued": 4} and statuses(conn, e2) == {"queued": 4}
    diagnosis = conn.execute("select diagnosis from delivery.alerts where destination_id = %s",
                             (d1,)).fetchone()[0]
    assert "TRACKAI_SECRET_KEY" in diagnosis and "'retired'" in diagnosis and t1 not in diagnosis
    attempt = conn.execute("select failure, outcome, http_status from delivery.attempts"
                           " where destination_id = %s", (d1,)).fetchall()
    assert attempt == [("secret", "pause", None)]
