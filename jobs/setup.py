"""`trackai work setup`: runs ready onboarding steps from the `setup` pgmq queue, many at once.

The database queues a step when its dependencies have succeeded (setup.advance), so independent
steps are in the queue together and run concurrently here (asyncio tasks, up to SETUP_CONCURRENCY).
Each step is taken with setup.start_step and its outcome written with setup.report_step, the one
function that decides retries and diagnoses. A worker killed mid-step loses nothing: the message
comes back after SETUP_VT_S and the step is taken again (steps are idempotent).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import signal
from typing import Any

import psycopg

from jobs import setup_steps
from jobs.meta_client import MetaClient
from jobs.providers import gtm
from jobs.providers.errors import ProviderError
from trackai.secrets import Keyring, SecretError
from trackai.settings import Settings

log = logging.getLogger("trackai.jobs.setup")
QUEUE = "setup"
MAX_SLEEP_S = 30.0


class SetupWorker:
    def __init__(self, settings: Settings, dsn: str | None = None):
        self.settings = settings
        self.dsn = dsn or settings.dsn
        self.keyring = Keyring.parse(settings.secret_key)
        self.meta = MetaClient(settings.meta_graph_url, settings.meta_api_version, max(settings.meta_timeout_s, 5.0))
        self.gtm = gtm.client_from_settings(settings)
        self.stop = asyncio.Event()
        self.tasks: set[asyncio.Task] = set()

    async def run(self) -> None:
        while not self.stop.is_set():
            try:
                await self._loop()
            except psycopg.OperationalError as exc:
                log.warning("database unavailable, reconnecting", extra={"worker": "setup", "error": str(exc)})
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stop.wait(), 1.0)
        if self.tasks:
            await asyncio.wait(self.tasks)

    async def _loop(self) -> None:
        wake = asyncio.Event()
        async with await psycopg.AsyncConnection.connect(self.dsn, autocommit=True) as listen, \
                await psycopg.AsyncConnection.connect(self.dsn, autocommit=True) as conn:
            await listen.execute(f'listen "pgmq.q_{QUEUE}.INSERT"')
            listener = asyncio.create_task(self._listen(listen, wake))
            try:
                while not self.stop.is_set():
                    wake.clear()
                    free = self.settings.setup_concurrency - len(self.tasks)
                    if free > 0:
                        for msg_id, message in await self._read(conn, free):
                            task = asyncio.create_task(self._run_step(msg_id, message))
                            self.tasks.add(task)
                            task.add_done_callback(self._done(wake))
                    waits = [asyncio.create_task(wake.wait()), asyncio.create_task(self.stop.wait())]
                    await asyncio.wait(waits, timeout=await self._until_next(conn),
                                       return_when=asyncio.FIRST_COMPLETED)
                    for w in waits:
                        w.cancel()
            finally:
                listener.cancel()

    def _done(self, wake: asyncio.Event):
        def callback(task: asyncio.Task) -> None:
            self.tasks.discard(task)
            wake.set()
        return callback

    async def _listen(self, listen: psycopg.AsyncConnection, wake: asyncio.Event) -> None:
        async for _ in listen.notifies():
            wake.set()

    async def _read(self, conn: psycopg.AsyncConnection, n: int) -> list[tuple[int, dict]]:
        cur = await conn.execute("select msg_id, message from pgmq.read(%s, %s, %s)",
                                 (QUEUE, self.settings.setup_vt_s, n))
        return await cur.fetchall()

    async def _until_next(self, conn: psycopg.AsyncConnection) -> float:
        cur = await conn.execute(f"select extract(epoch from min(vt) - clock_timestamp()) from pgmq.q_{QUEUE}")
        row = await cur.fetchone()
        return MAX_SLEEP_S if row[0] is None else max(0.05, min(MAX_SLEEP_S, float(row[0])))

    async def _run_step(self, msg_id: int, message: dict) -> None:
        async with await psycopg.AsyncConnection.connect(self.dsn, autocommit=True) as conn:
            cur = await conn.execute(
                "select step_id, name, attempt, session, results, secrets from setup.start_step(%s)",
                (message.get("step_id"),))
            row = await cur.fetchone()
            if row is None:  # done already, or a stale duplicate
                await conn.execute("select pgmq.delete(%s, %s::bigint)", (QUEUE, msg_id))
                return
            step_id, name, attempt, session, results, secrets = row
            log.info("setup step started", extra={"step": name, "attempt": attempt, "session": session["id"]})
            ctx = setup_steps.StepContext(self.settings, self.dsn, name, session, results,
                                          self._secrets(session["company_id"], secrets), self.meta, self.gtm)
            result, code, message_text = await self._attempt(ctx)
            async with conn.transaction():
                cur = await conn.execute("select setup.report_step(%s, %s, %s, %s, %s)",
                                         (step_id, attempt, psycopg.types.json.Jsonb(result), code, message_text))
                outcome = (await cur.fetchone())[0]
                await conn.execute("select pgmq.delete(%s, %s::bigint)", (QUEUE, msg_id))
            log.info("setup step reported", extra={"step": name, "attempt": attempt, "outcome": outcome,
                                                   "code": code})

    async def _attempt(self, ctx: setup_steps.StepContext) -> tuple[dict, str | None, str | None]:
        try:
            return await setup_steps.STEPS[ctx.name](ctx), None, None
        except ProviderError as exc:
            return {}, exc.code, exc.message
        except Exception as exc:  # a bug must not kill the loop; it becomes internal.error, retried
            log.exception("setup step crashed", extra={"step": ctx.name})
            return {}, "internal.error", f"{type(exc).__name__} in {ctx.name}"

    def _secrets(self, company_id: str, stored: dict[str, Any]):
        def secret(kind: str) -> str | None:
            item = stored.get(kind)
            if not item:
                return None
            try:
                return self.keyring.decrypt(item["key_id"], base64.b64decode(item["ciphertext"]), company_id, kind)
            except SecretError as exc:
                raise ProviderError("internal.error", str(exc)) from None
        return secret


def run(settings: Settings) -> None:
    worker = SetupWorker(settings)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, worker.stop.set)
        await worker.run()

    asyncio.run(main())
