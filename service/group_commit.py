"""Group commit: requests that arrive while the database is busy share its next round trip.

A request hands its parameters to `GroupCommit.submit` and waits for its own answer row. While fewer than
`in_flight` calls are running, a call starts at once (so a lone request waits for nobody); otherwise the
request queues and the next call takes every queued request, up to `max_batch`, as one statement and one
commit. Each request is still answered only after the commit that stored it.

A batch the database refuses as a whole for one bad input (SQL_REFUSALS) is re-run one request at a
time, so only that request gets the error; any other failure (the database is down) reaches every request
of the batch, and each then answers with its own error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from psycopg_pool import AsyncConnectionPool

from service.errors import SQL_REFUSALS


class GroupCommit:
    def __init__(self, pool: AsyncConnectionPool, query: str, *, max_batch: int = 64, in_flight: int = 2,
                 fixed: tuple = ()):
        """`query` takes the `fixed` parameters, then one array per parameter (in `submit`'s order), and
        returns, per request, a row that starts with its 1-based position in the arrays."""
        self.pool = pool
        self.query = query
        self.fixed = fixed
        self.max_batch = max_batch
        self.in_flight = in_flight
        self._queued: list[tuple[Sequence, asyncio.Future]] = []
        self._running: set[asyncio.Task] = set()  # held here: the loop keeps only weak references to tasks

    async def submit(self, params: Sequence) -> tuple:
        """The answer row for `params` (without its position), once committed."""
        answer = asyncio.get_running_loop().create_future()
        self._queued.append((params, answer))
        if len(self._running) < self.in_flight:
            task = asyncio.create_task(self._drain())
            self._running.add(task)
            task.add_done_callback(self._running.discard)
        return await answer

    async def _drain(self) -> None:
        while self._queued:
            batch, self._queued = self._queued[:self.max_batch], self._queued[self.max_batch:]
            await self._run(batch, split_on_refusal=len(batch) > 1)

    async def _run(self, batch: list[tuple[Sequence, asyncio.Future]], split_on_refusal: bool) -> None:
        columns = [list(column) for column in zip(*(params for params, _ in batch), strict=True)]
        try:
            async with self.pool.connection() as conn:
                rows = await (await conn.execute(self.query, (*self.fixed, *columns))).fetchall()
        except SQL_REFUSALS as exc:
            if split_on_refusal:
                for one in batch:
                    await self._run([one], split_on_refusal=False)
                return
            _settle(batch, exc)
            return
        except Exception as exc:  # noqa: BLE001 - every waiting request gets it and answers for itself
            _settle(batch, exc)
            return
        by_position = {row[0]: row[1:] for row in rows}
        for position, (_, answer) in enumerate(batch, start=1):
            if answer.done():  # the client went away meanwhile
                continue
            if position in by_position:
                answer.set_result(by_position[position])
            else:  # a query that breaks its contract must not leave a request waiting forever
                answer.set_exception(RuntimeError(f"the batch query gave no answer for request {position}"))


def _settle(batch: list[tuple[Sequence, asyncio.Future]], exc: BaseException) -> None:
    for _, answer in batch:
        if not answer.done():
            answer.set_exception(exc)
