"""Clients of the onboarding providers (Cloudflare DNS, Stape sGTM hosting, Google Tag Manager).

Each operation is async and idempotent: it looks for what exists by its natural key (zone name,
record name, container name, domain name, entity name) before it creates anything, so a failed step
can simply run again. Every failure is a `jobs.providers.errors.ProviderError` with a fixed code.
`rate_limiter(api, qps)` is the one limiter per API that every client in the process shares.
"""

from __future__ import annotations

import asyncio
import threading
import time


class RateLimiter:
    """Spaces calls `1/qps` seconds apart, across every thread and event loop of the process (a
    thread lock hands out slots; each caller sleeps on its own loop until its slot)."""

    def __init__(self, qps: float):
        self.qps = qps
        self._next = 0.0
        self._lock = threading.Lock()

    async def acquire(self) -> None:
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + (1.0 / self.qps if self.qps > 0 else 0.0)
        if slot > now:
            await asyncio.sleep(slot - now)


_LIMITERS: dict[str, RateLimiter] = {}
_LIMITERS_LOCK = threading.Lock()


def rate_limiter(api: str, qps: float) -> RateLimiter:
    """The process-wide limiter of `api`; `qps` (re)sets its rate (last caller wins: it is one quota)."""
    with _LIMITERS_LOCK:
        limiter = _LIMITERS.setdefault(api, RateLimiter(qps))
        limiter.qps = qps
        return limiter
