"""GTM's quota is per Google Cloud project (0.25 QPS by default), so every GtmClient of the process —
whatever its event loop or thread — waits on ONE limiter: calls from two clients, one of them on
another thread's loop, reach the GTM fake at least 1/qps apart."""

from __future__ import annotations

import asyncio
import inspect
import time

from jobs.providers.gtm import GtmClient
from tests import provisioningutil as pu

QPS = 10.0


async def test_calls_from_every_client_and_loop_are_spaced_by_the_shared_quota():
    assert inspect.signature(GtmClient).parameters["qps"].default == 0.25
    with pu.running() as p:
        a, b = p.gtm_client(qps=QPS), p.gtm_client(qps=QPS)
        assert a.limiter is b.limiter
        await a.check_access()  # warm: the service object and the connection exist before timing
        p.gtm.reset()

        async def calls(client: GtmClient, n: int) -> None:
            await asyncio.gather(*(client.check_access() for _ in range(n)))

        started = time.monotonic()
        await asyncio.gather(calls(a, 4), asyncio.to_thread(asyncio.run, calls(b, 4)))
        elapsed = time.monotonic() - started
        at = sorted(r["at"] for r in p.gtm.requests())
        assert len(at) == 8
        assert elapsed >= 7 / QPS - 0.01
        assert min(y - x for x, y in zip(at, at[1:], strict=False)) >= 0.5 / QPS  # server-side jitter allowed
        assert at[-1] - at[0] >= 6.5 / QPS
        p.gtm_client(qps=pu.FAST_QPS)  # leave the shared limiter fast for the other tests of the process
