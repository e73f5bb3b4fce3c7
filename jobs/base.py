"""The loop every worker shares: read a batch from a pgmq queue, handle it, sleep until woken.

Woken by pgmq's insert NOTIFY (`pgmq.q_<queue>.INSERT`), or when the earliest delayed message
(a retry's backoff) becomes visible: no busy polling. Stateless: any number can run at once, and
pgmq's visibility timeout keeps a message away from the others while one worker holds it.
"""

from __future__ import annotations

import logging
import select
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from psycopg import sql

log = logging.getLogger("trackai.jobs")

MAX_SLEEP_S = 30.0


@dataclass(frozen=True)
class Message:
    msg_id: int
    read_ct: int
    message: dict


class QueueWorker:
    """Runs `handle(conn, messages)` for batches of `queue`; the handler deletes or re-times them."""

    def __init__(self, dsn: str, queue: str, handle: Callable[[psycopg.Connection, list[Message]], None],
                 batch: int = 100, vt_s: int = 60, name: str | None = None):
        self.dsn = dsn
        self.queue = queue
        self.handle = handle
        self.batch = batch
        self.vt_s = vt_s
        self.name = name or f"worker-{queue}"
        self.stop = threading.Event()

    def read(self, conn: psycopg.Connection) -> list[Message]:
        rows = conn.execute("select msg_id, read_ct, message from pgmq.read(%s, %s, %s)",
                            (self.queue, self.vt_s, self.batch)).fetchall()
        return [Message(r[0], r[1], r[2]) for r in rows]

    def seconds_until_next(self, conn: psycopg.Connection) -> float:
        """Until the earliest invisible message becomes visible (a delayed retry), capped."""
        row = conn.execute(sql.SQL("select extract(epoch from min(vt) - clock_timestamp()) from pgmq.{}")
                           .format(sql.Identifier(f"q_{self.queue}"))).fetchone()
        if row[0] is None:
            return MAX_SLEEP_S
        return max(0.0, min(MAX_SLEEP_S, float(row[0])))

    def run_once(self, conn: psycopg.Connection) -> int:
        messages = self.read(conn)
        if messages:
            self.handle(conn, messages)
        return len(messages)

    def run(self) -> None:
        """Loop until stopped (SIGTERM/SIGINT in the main thread, or .stop.set())."""
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: self.stop.set())
        while not self.stop.is_set():
            try:
                self._loop()
            except psycopg.OperationalError as exc:
                # the database went away (restart, failover): reconnect after a pause
                log.warning("database unavailable, reconnecting", extra={"worker": self.name, "error": str(exc)})
                self.stop.wait(1.0)

    def _loop(self) -> None:
        channel = f"pgmq.q_{self.queue}.INSERT"
        with psycopg.connect(self.dsn, autocommit=True, application_name=self.name) as listen, \
                psycopg.connect(self.dsn, autocommit=True, application_name=self.name) as conn:
            listen.execute(sql.SQL("listen {}").format(sql.Identifier(channel)))
            log.info("worker started", extra={"worker": self.name, "queue": self.queue})
            while not self.stop.is_set():
                if self.run_once(conn) >= self.batch:
                    continue  # a full batch: more may be waiting
                self._sleep(listen, self.seconds_until_next(conn))

    def _sleep(self, listen: psycopg.Connection, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while not self.stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            # wake at least once a second to notice .stop
            ready, _, _ = select.select([listen.fileno()], [], [], min(left, 1.0))
            if ready:
                listen.pgconn.consume_input()
                if any(True for _ in iter(listen.pgconn.notifies, None)):
                    return

