"""pgmq works from Python on this database: send, batch, visibility timeout, delete, archive, notify."""

from __future__ import annotations

import time

import psycopg
import pytest
from pgmq import PGMQueue
from psycopg import sql

QUEUE = "pytest_pgmq_roundtrip"


@pytest.fixture(scope="module")
def queue(dsn):
    # plain Postgres with the SQL-only pgmq: never `create extension`
    q = PGMQueue(conn_string=dsn, init_extension=False, pool_size=2)
    q.create_queue(QUEUE)
    yield q
    q.close()


def test_send_and_send_batch_return_ids_and_count_as_depth(queue):
    one = queue.send(QUEUE, {"n": 1})
    many = queue.send_batch(QUEUE, [{"n": 2}, {"n": 3}, {"n": 4}])
    assert len(many) == 3 and len({one, *many}) == 4
    assert queue.metrics(QUEUE).queue_length == 4
    queue.purge(QUEUE)


def test_a_read_message_is_invisible_until_its_visibility_timeout_expires(queue):
    sent = queue.send(QUEUE, {"order": "A-1"})
    first = queue.read(QUEUE, vt=1)
    assert first.msg_id == sent and first.message == {"order": "A-1"} and first.read_ct == 1
    assert queue.read(QUEUE, vt=1) is None  # a second reader does not see it
    time.sleep(1.2)
    again = queue.read(QUEUE, vt=30)
    assert again.msg_id == sent and again.read_ct == 2

    assert queue.delete(QUEUE, sent) is True
    assert queue.metrics(QUEUE).queue_length == 0
    assert queue.delete(QUEUE, sent) is False


def test_archive_moves_the_message_to_the_archive_table(queue, conn):
    sent = queue.send(QUEUE, {"order": "A-2"})
    assert queue.archive(QUEUE, sent) is True
    assert queue.read(QUEUE, vt=1) is None
    row = conn.execute(
        sql.SQL("select message from pgmq.{} where msg_id = %s").format(sql.Identifier(f"a_{QUEUE}")), (sent,)
    ).fetchone()
    assert row == ({"order": "A-2"},)


def test_a_listener_is_notified_when_a_message_is_inserted(queue, dsn):
    queue.enable_notify(QUEUE, throttle_interval_ms=0)
    channel = f"pgmq.q_{QUEUE}.INSERT"  # pgmq.notify_queue_listeners: 'pgmq.' || table || '.' || op
    with psycopg.connect(dsn, autocommit=True) as listener:
        listener.execute(sql.SQL("listen {}").format(sql.Identifier(channel)))
        sent = queue.send(QUEUE, {"wake": True})
        got = list(listener.notifies(timeout=5, stop_after=1))
    assert [n.channel for n in got] == [channel]
    queue.delete(QUEUE, sent)
    queue.disable_notify(QUEUE)
