"""The shared sync loop (jobs.base.QueueWorker) loses no wake-up: a message sent while the worker sleeps,
the second of a pair sent 10-100 ms after the first, the last of a burst sent one transaction after
another, messages sent one by one while the worker is busy with a batch, and a message committed just
as the worker has decided to sleep are all handled within a second of being sent, never after the
worker's longest sleep (MAX_SLEEP_S, 30 s). The queue is woken as every queue is: the statement trigger
of app.wake_workers_on_insert."""

from __future__ import annotations

import random
import threading
import time

import psycopg

from jobs import base
from jobs.base import Message, QueueWorker

QUEUE = "wake_probe"
BUSY_S = 0.2  # every batch keeps the worker busy this long
BOUND_S = 1.0  # sent -> handled, far below MAX_SLEEP_S


class Racing(QueueWorker):
    """The real loop; `racer`, when set, commits a message right after the worker has found the queue
    empty and computed how long to sleep, before it sleeps: the narrowest window a wake-up could fall in."""

    racer = None

    def seconds_until_next(self, conn: psycopg.Connection) -> float:
        seconds = super().seconds_until_next(conn)
        if self.racer is not None:
            racer, self.racer = self.racer, None
            racer()
        return seconds


def test_every_message_is_handled_within_a_second_whatever_the_timing(conn, dsn):
    assert base.MAX_SLEEP_S >= 30
    conn.execute("select pgmq.create(%s)", (QUEUE,))
    conn.execute("select app.wake_workers_on_insert(%s)", (QUEUE,))
    handled: dict[int, float] = {}
    batches: list[int] = []

    def handle(c: psycopg.Connection, messages: list[Message]) -> None:
        now = time.monotonic()
        for m in messages:
            handled[m.msg_id] = now
        batches.append(len(messages))
        time.sleep(BUSY_S)
        c.execute("select pgmq.delete(%s, %s::bigint[])", (QUEUE, [m.msg_id for m in messages]))

    sent: dict[int, float] = {}

    def send(n: int = 1, gap_s: float = 0.0) -> None:
        """n messages, each in a transaction of its own (each its own NOTIFY), gap_s apart."""
        for k in range(n):
            if k and gap_s:
                time.sleep(gap_s)
            msg_id = conn.execute("select * from pgmq.send(%s, '{}'::jsonb)", (QUEUE,)).fetchone()[0]
            sent[msg_id] = time.monotonic()

    def settle(what: str) -> None:
        """Every message sent so far handled within BOUND_S; waits no longer than a few bounds."""
        deadline = time.monotonic() + 5 * BOUND_S
        while set(sent) - set(handled) and time.monotonic() < deadline:
            time.sleep(0.01)
        done, out = dict(handled), dict(sent)  # copies: the worker's thread writes both
        late = {i: round(done[i] - t, 3) if i in done else None for i, t in out.items()
                if i not in done or done[i] - t > BOUND_S}
        assert not late, f"{what}: not handled within {BOUND_S} s (None: not at all): {late}"
        time.sleep(0.5 + BUSY_S)  # the worker goes back to sleep

    worker = Racing(dsn, QUEUE, handle, batch=100, vt_s=30, name="wake-probe")
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not conn.execute("select 1 from pg_stat_activity where datname = current_database() and query = %s",
                               (f'listen "pgmq.q_{QUEUE}.INSERT"',)).fetchone():
            assert time.monotonic() < deadline, "the worker never listened"
            time.sleep(0.02)
        time.sleep(0.5)  # it found nothing and sleeps

        rng = random.Random(15)
        for _ in range(3):
            send()
            settle("a single message sent while the worker sleeps")
        for _ in range(5):
            send(2, gap_s=rng.uniform(0.010, 0.100))
            settle("a pair 10-100 ms apart")
        for _ in range(3):
            send(5)
            settle("a burst of 5, one transaction each")
        send()  # the worker is busy with this one for BUSY_S ...
        time.sleep(0.05)
        send(4, gap_s=0.05)  # ... while these come, one by one (the last of them after its read)
        settle("messages sent one by one while the worker is busy")
        send(3, gap_s=BUSY_S + 0.05)  # each lands in the next batch's busy time
        settle("a message sent during each batch")
        with psycopg.connect(dsn, autocommit=True) as other:
            def race() -> None:  # runs in the worker's thread, on a connection of its own
                msg_id = other.execute("select * from pgmq.send(%s, '{}'::jsonb)", (QUEUE,)).fetchone()[0]
                sent[msg_id] = time.monotonic()

            for _ in range(3):
                worker.racer = race
                send()  # wakes the worker; once it has found the queue empty again, `race` sends one more
                settle("a message committed just as the worker decided to sleep")
                assert worker.racer is None
    finally:
        worker.stop.set()
        thread.join(5)
    assert not thread.is_alive()
    assert len(handled) == len(sent) == 3 + 10 + 15 + 5 + 3 + 6
    assert conn.execute("select count(*) from pgmq.q_wake_probe").fetchone()[0] == 0
