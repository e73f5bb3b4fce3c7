"""pgmq 1.4.4 (hosted Supabase's) works from Python as the workers use it: send, batch, visibility
timeout, delete, archive, and the wake-up NOTIFY of app.wake_workers_on_insert."""

from __future__ import annotations

import time

import psycopg
import pytest
from psycopg import sql

QUEUE = "pytest_pgmq_roundtrip"


@pytest.fixture(scope="module")
def q(dsn):
    with psycopg.connect(dsn, autocommit=True) as c:
        c.execute("select pgmq.create(%s)", (QUEUE,))
        yield c


def depth(q) -> int:
    return q.execute("select queue_length from pgmq.metrics(%s)", (QUEUE,)).fetchone()[0]


def test_pgmq_is_the_real_1_4_4_extension(q):
    assert q.execute("select extversion from pg_extension where extname = 'pgmq'").fetchone() == ("1.4.4",)


def test_send_and_send_batch_return_ids_and_count_as_depth(q):
    one = q.execute("select pgmq.send(%s, %s::jsonb)", (QUEUE, '{"n": 1}')).fetchone()[0]
    many = [r[0] for r in q.execute("select pgmq.send_batch(%s, array[%s, %s, %s]::jsonb[])",
                                    (QUEUE, '{"n": 2}', '{"n": 3}', '{"n": 4}'))]
    assert len(many) == 3 and len({one, *many}) == 4
    assert depth(q) == 4
    q.execute("select pgmq.purge_queue(%s)", (QUEUE,))


def test_a_read_message_is_invisible_until_its_visibility_timeout_expires(q):
    def read(vt: int):
        return q.execute("select msg_id, read_ct, message from pgmq.read(%s, %s, 1)", (QUEUE, vt)).fetchone()

    sent = q.execute("select pgmq.send(%s, %s::jsonb)", (QUEUE, '{"order": "A-1"}')).fetchone()[0]
    assert read(1) == (sent, 1, {"order": "A-1"})
    assert read(1) is None  # a second reader does not see it
    time.sleep(1.2)
    assert read(30) == (sent, 2, {"order": "A-1"})

    assert q.execute("select pgmq.delete(%s, %s::bigint)", (QUEUE, sent)).fetchone()[0] is True
    assert depth(q) == 0
    assert q.execute("select pgmq.delete(%s, %s::bigint)", (QUEUE, sent)).fetchone()[0] is False


def test_archive_moves_the_message_to_the_archive_table(q):
    sent = q.execute("select pgmq.send(%s, %s::jsonb)", (QUEUE, '{"order": "A-2"}')).fetchone()[0]
    assert q.execute("select pgmq.archive(%s, %s::bigint)", (QUEUE, sent)).fetchone()[0] is True
    assert q.execute("select * from pgmq.read(%s, 1, 1)", (QUEUE,)).fetchone() is None
    row = q.execute(
        sql.SQL("select message from pgmq.{} where msg_id = %s").format(sql.Identifier(f"a_{QUEUE}")), (sent,)
    ).fetchone()
    assert row == ({"order": "A-2"},)


def test_a_listener_is_woken_once_per_insert_statement(q, dsn):
    channel = f"pgmq.q_{QUEUE}.INSERT"  # the channel pgmq 1.7+ would use, so workers need no change
    with psycopg.connect(dsn, autocommit=True) as listener:
        listener.execute(sql.SQL("listen {}").format(sql.Identifier(channel)))
        q.execute("select pgmq.send(%s, '{}'::jsonb)", (QUEUE,))
        assert list(listener.notifies(timeout=2, stop_after=1)) == []  # not wired yet: no wake-up
        q.execute("select app.wake_workers_on_insert(%s)", (QUEUE,))
        q.execute("select app.wake_workers_on_insert(%s)", (QUEUE,))  # idempotent
        q.execute("select pgmq.send(%s, '{}'::jsonb)", (QUEUE,))
        q.execute("select pgmq.send_batch(%s, array['{}', '{}']::jsonb[])", (QUEUE,))
        got = list(listener.notifies(timeout=2, stop_after=3))
    assert [n.channel for n in got] == [channel, channel]  # one per statement, not per message
    q.execute("select pgmq.purge_queue(%s)", (QUEUE,))
