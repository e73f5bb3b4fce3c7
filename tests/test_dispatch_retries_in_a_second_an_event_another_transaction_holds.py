"""A dispatcher that finds an event locked by another transaction (another dispatcher sending it, a
copy of it being judged) skips it, and its message comes back in a second rather than after the whole
visibility timeout (60 s by default, which the soak once showed as a 60 s delay to Meta)."""

from __future__ import annotations

import time

import psycopg

from tests.dispatchutil import new_pixel, new_tenant, new_token, record_events


def test_a_held_event_is_offered_again_a_second_later(conn, dsn):
    company, dest = new_tenant(conn, new_pixel(), new_token())
    (pk,) = record_events(conn, company, 1)
    ((msg, event),) = conn.execute("select msg_id, (message ->> 'event')::bigint from pgmq.read('dispatch', 60, 10)"
                                   " where (message ->> 'event')::bigint = %s", (pk,)).fetchall()

    with psycopg.connect(dsn) as holder, psycopg.connect(dsn) as dispatcher:
        holder.execute("select 1 from tracking.events where id = %s for update", (pk,))
        claimed = dispatcher.execute("select * from delivery.claim(%s, %s::bigint[], %s::bigint[])",
                                     (dest, [msg], [event])).fetchall()
        dispatcher.commit()
        holder.rollback()

    assert claimed == []
    visible_in = conn.execute("select extract(epoch from vt - clock_timestamp()) from pgmq.q_dispatch"
                              " where msg_id = %s", (msg,)).fetchone()[0]
    assert visible_in < 2, f"the skipped message comes back in {visible_in:.0f} s"
    time.sleep(max(0.0, float(visible_in)) + 0.1)
    assert conn.execute("select count(*) from pgmq.read('dispatch', 60, 10) where msg_id = %s",
                        (msg,)).fetchone()[0] == 1
