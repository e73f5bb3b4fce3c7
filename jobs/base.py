"""The one worker model: a `WorkerSpec` per worker (the table is `jobs/registry.py`) and one loop.

A spec declares the worker's queue, how many messages it takes at once, how long it holds them (pgmq's
visibility timeout) and its handler. A number a setting may override names the Settings field
(`Setting("dispatch_vt_s")`); the field's default is the default, so no number is written twice.

The loop comes in two forms that share its parts (`QueueLoop`):

- `QueueWorker` (sync): reads a batch, hands it to `handle(conn, messages)`, and reads again at once
  after handling any message (more may have come meanwhile, their NOTIFY already received): it sleeps
  only after a read that found nothing;
- `AsyncQueueWorker` (asyncio): keeps up to `batch` messages in flight, each one `await handle(message)`
  in a task of its own (the setup worker: its steps wait seconds on providers, side by side).

Both LISTEN for pgmq's insert NOTIFY (`pgmq.q_<queue>.INSERT`) and sleep until woken, or until the
earliest delayed message (a retry's backoff) becomes visible, never longer than MAX_SLEEP_S: no busy
polling, and no batching window (a message is read as soon as its NOTIFY arrives, or as soon as the
batch in hand is done). No wake-up is lost: the sync form takes the notifications already received
before each read (the read sees their messages), so one that arrives after the read wakes the next
sleep. A lost connection (restart, failover) is reopened after RECONNECT_PAUSE_S; SIGTERM/SIGINT (or
`.stop.set()`) stops the loop, and the async form lets the messages in flight finish. Stateless: any
number can run at once, and pgmq's visibility timeout keeps a message away from the others while one
worker holds it; the handler deletes or re-times each message it is done with.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import select
import signal
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import psycopg
from psycopg import sql

from core.settings import Settings

log = logging.getLogger("trackai.jobs")

MAX_SLEEP_S = 30.0
RECONNECT_PAUSE_S = 1.0

_READ = "select msg_id, read_ct, message from pgmq.read(%s, %s, %s)"


@dataclass(frozen=True)
class Message:
    msg_id: int
    read_ct: int
    message: dict


Handler = Callable[[psycopg.Connection, list[Message]], None]
AsyncHandler = Callable[[Message], Awaitable[None]]


class QueueLoop:
    """What both forms share: the queue and its numbers, the name its connections carry, the SQL that
    listens, reads and finds the next delayed message, how long to sleep, what a lost connection logs."""

    min_sleep_s = 0.0

    def __init__(self, dsn: str, queue: str, batch: int, vt_s: int, name: str | None = None):
        self.dsn = dsn
        self.queue = queue
        self.batch = batch
        self.vt_s = vt_s
        self.name = name or f"worker-{queue}"

    @property
    def channel(self) -> str:
        return f"pgmq.q_{self.queue}.INSERT"

    def _connect_kwargs(self) -> dict[str, Any]:
        return {"autocommit": True, "application_name": self.name}

    def _listen_sql(self) -> sql.Composed:
        return sql.SQL("listen {}").format(sql.Identifier(self.channel))

    def _read_args(self, n: int) -> tuple[str, tuple]:
        return _READ, (self.queue, self.vt_s, n)

    def _next_visible_sql(self) -> sql.Composed:
        return (sql.SQL("select extract(epoch from min(vt) - clock_timestamp()) from pgmq.{}")
                .format(sql.Identifier(f"q_{self.queue}")))

    def _sleep_s(self, seconds: Any) -> float:
        """Until the earliest invisible message becomes visible (a delayed retry), capped."""
        if seconds is None:
            return MAX_SLEEP_S
        return max(self.min_sleep_s, min(MAX_SLEEP_S, float(seconds)))

    def _started(self) -> None:
        log.info("worker started", extra={"worker": self.name, "queue": self.queue})

    def _lost(self, exc: psycopg.OperationalError) -> None:
        # the database went away (restart, failover): reconnect after a pause
        log.warning("database unavailable, reconnecting", extra={"worker": self.name, "error": str(exc)})


class QueueWorker(QueueLoop):
    """The sync form: runs `handle(conn, messages)` for batches of `queue`."""

    def __init__(self, dsn: str, queue: str, handle: Handler, batch: int = 100, vt_s: int = 60,
                 name: str | None = None):
        super().__init__(dsn, queue, batch, vt_s, name)
        self.handle = handle
        self.stop = threading.Event()

    def read(self, conn: psycopg.Connection) -> list[Message]:
        query, args = self._read_args(self.batch)
        return [Message(*row) for row in conn.execute(query, args).fetchall()]

    def seconds_until_next(self, conn: psycopg.Connection) -> float:
        return self._sleep_s(conn.execute(self._next_visible_sql()).fetchone()[0])

    def run_once(self, conn: psycopg.Connection) -> int:
        messages = self.read(conn)
        if messages:
            self.handle(conn, messages)
        return len(messages)

    def serve(self) -> None:
        """`trackai work <name>`: run in this process until SIGTERM/SIGINT."""
        self.run()

    def run(self) -> None:
        """Loop until stopped (SIGTERM/SIGINT in the main thread, or .stop.set())."""
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: self.stop.set())
        while not self.stop.is_set():
            try:
                self._loop()
            except psycopg.OperationalError as exc:
                self._lost(exc)
                self.stop.wait(RECONNECT_PAUSE_S)

    def _loop(self) -> None:
        with psycopg.connect(self.dsn, **self._connect_kwargs()) as listen, \
                psycopg.connect(self.dsn, **self._connect_kwargs()) as conn:
            listen.execute(self._listen_sql())
            self._started()
            while not self.stop.is_set():
                # the wake-ups received so far are for messages this read sees (NOTIFY comes after the
                # commit); taken now, so only one that arrives after the read wakes the sleep below
                self._take_notifies(listen)
                if self.run_once(conn):
                    continue  # handled some: look again before sleeping, more may have come meanwhile
                self._sleep(listen, self.seconds_until_next(conn))

    @staticmethod
    def _take_notifies(listen: psycopg.Connection) -> int:
        """Reads what the server has sent (without waiting) and takes every notification received: none
        is left to pile up in libpq, nor in the socket while a long batch runs. Returns how many."""
        listen.pgconn.consume_input()
        n = 0
        while listen.pgconn.notifies() is not None:
            n += 1
        return n

    def _sleep(self, listen: psycopg.Connection, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while not self.stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            # wake at least once a second to notice .stop
            ready, _, _ = select.select([listen.fileno()], [], [], min(left, 1.0))
            if ready and self._take_notifies(listen):
                return


class AsyncQueueWorker(QueueLoop):
    """The asyncio form: up to `batch` messages of `queue` in flight, each `await handle(message)` in a task.
    The handler works on a connection of its own (the loop's is busy reading)."""

    # every slot busy while a message is visible: wait for a slot (a task ending wakes the loop), don't spin
    min_sleep_s = 0.05

    def __init__(self, dsn: str, queue: str, handle: AsyncHandler, batch: int = 8, vt_s: int = 300,
                 name: str | None = None):
        super().__init__(dsn, queue, batch, vt_s, name)
        self.handle = handle
        self.stop = asyncio.Event()
        self.tasks: set[asyncio.Task] = set()

    async def read(self, conn: psycopg.AsyncConnection, n: int) -> list[Message]:
        query, args = self._read_args(n)
        return [Message(*row) for row in await (await conn.execute(query, args)).fetchall()]

    async def seconds_until_next(self, conn: psycopg.AsyncConnection) -> float:
        return self._sleep_s((await (await conn.execute(self._next_visible_sql())).fetchone())[0])

    def serve(self) -> None:
        """`trackai work <name>`: run in this process until SIGTERM/SIGINT."""

        async def main() -> None:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, self.stop.set)
            await self.run()

        asyncio.run(main())

    async def run(self) -> None:
        """Loop until .stop is set, then let the messages in flight finish."""
        while not self.stop.is_set():
            try:
                await self._loop()
            except psycopg.OperationalError as exc:
                self._lost(exc)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stop.wait(), RECONNECT_PAUSE_S)
        if self.tasks:
            await asyncio.wait(self.tasks)

    async def _loop(self) -> None:
        wake = asyncio.Event()
        async with await psycopg.AsyncConnection.connect(self.dsn, **self._connect_kwargs()) as listen, \
                await psycopg.AsyncConnection.connect(self.dsn, **self._connect_kwargs()) as conn:
            await listen.execute(self._listen_sql())
            self._started()
            listener = asyncio.create_task(self._listen(listen, wake))
            try:
                while not self.stop.is_set():
                    wake.clear()
                    free = self.batch - len(self.tasks)
                    if free > 0:
                        for message in await self.read(conn, free):
                            task = asyncio.create_task(self.handle(message))
                            self.tasks.add(task)
                            task.add_done_callback(self._finished(wake, message))
                    waits = [asyncio.create_task(wake.wait()), asyncio.create_task(self.stop.wait())]
                    await asyncio.wait(waits, timeout=await self.seconds_until_next(conn),
                                       return_when=asyncio.FIRST_COMPLETED)
                    for w in waits:
                        w.cancel()
            finally:
                listener.cancel()

    async def _listen(self, listen: psycopg.AsyncConnection, wake: asyncio.Event) -> None:
        async for _ in listen.notifies():
            wake.set()

    def _finished(self, wake: asyncio.Event, message: Message) -> Callable[[asyncio.Task], None]:
        def callback(task: asyncio.Task) -> None:
            self.tasks.discard(task)
            wake.set()
            if not task.cancelled() and task.exception() is not None:
                # the message was not deleted: it comes back after the visibility timeout
                log.warning("message handler failed", extra={
                    "worker": self.name, "queue": self.queue, "msg_id": message.msg_id,
                    "error": f"{type(task.exception()).__name__}: {task.exception()}"[:300]})
        return callback


# ---- the spec -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Setting:
    """A worker's number that a Settings field overrides (environment: the field's name in capitals).
    The field's default is the default: the number is written once, in core/settings.py."""

    field: str

    @property
    def env(self) -> str:
        return self.field.upper()

    @property
    def default(self) -> Any:
        return {f.name: f.default for f in dataclasses.fields(Settings)}[self.field]


@dataclass(frozen=True)
class WorkerSpec:
    """One worker: `trackai work <name>` runs `handler(settings, transport)` on the shared loop."""

    name: str
    queue: str
    batch: int | Setting  # messages per read (sync); messages in flight (concurrent)
    vt_s: int | Setting  # how long a message read stays invisible to the other workers
    # builds the handler from the settings; `transport` (tests) reaches the worker's Meta / provider client
    handler: Callable[[Settings, httpx.BaseTransport | None], Handler | AsyncHandler]
    concurrent: bool = False  # the asyncio form: each message a task
    application_name: str | None = None  # its connections' name in pg_stat_activity; default: `name`

    def batch_for(self, settings: Settings) -> int:
        return _value(self.batch, settings)

    def vt_s_for(self, settings: Settings) -> int:
        return _value(self.vt_s, settings)

    def worker(self, settings: Settings, transport: httpx.BaseTransport | None = None,
               name: str | None = None) -> QueueWorker | AsyncQueueWorker:
        form = AsyncQueueWorker if self.concurrent else QueueWorker
        return form(settings.dsn, self.queue, self.handler(settings, transport), batch=self.batch_for(settings),
                    vt_s=self.vt_s_for(settings), name=name or self.application_name or self.name)

    def run(self, settings: Settings) -> None:
        self.worker(settings).serve()

    def describe(self, settings: Settings) -> dict[str, Any]:
        """What `trackai work --list` shows: the values in effect and where each comes from."""
        return {"worker": self.name, "queue": self.queue, "loop": "async" if self.concurrent else "sync",
                "batch": self.batch_for(settings), "batch_from": _origin(self.batch),
                "vt_s": self.vt_s_for(settings), "vt_s_from": _origin(self.vt_s)}


def _value(number: int | Setting, settings: Settings) -> int:
    return getattr(settings, number.field) if isinstance(number, Setting) else number


def _origin(number: int | Setting) -> str:
    return f"{number.env} (default {number.default})" if isinstance(number, Setting) else "fixed"
