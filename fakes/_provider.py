"""What the three provisioning fakes (Cloudflare, Stape, GTM) share: a lock, a clock, a log of the
provider requests they saw, counters of what they created, a queue of injected faults and the
`/_fake/...` control routes built on them. Each fake supplies its routes, its error envelope
(`error_response`) and what an injected fault looks like on its wire (`fault_response`).

Fault kinds (`fail_next(n, kind, method=None)`; with `method`, only requests of that method are
hit): "rate_limited" (429 + Retry-After), "server_error" (500 in the provider's envelope),
"unavailable" (bare 503, as a load balancer answers), "timeout" (sleep `timeout_s`, then answer
normally), "unauthorized" (the provider's 401).
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from fakes import base

FAULT_KINDS = ("rate_limited", "server_error", "unavailable", "timeout", "unauthorized")


class ProviderFake:
    name = "provider"

    def __init__(self, *, clock: Callable[[], float] = time.time):
        self._lock = threading.RLock()
        self.clock = clock
        self._faults: deque[tuple[str, dict[str, Any]]] = deque()
        self._requests: list[dict[str, Any]] = []
        self.created: Counter[str] = Counter()

    # ---- faults, inspection, reset ---------------------------------------------------------------

    def fail_next(self, n: int = 1, kind: str = "server_error", *, retry_after: int = 1,
                  timeout_s: float = 5.0, method: str | None = None) -> None:
        """The next `n` provider requests (only `method` ones, if given) fail with `kind` (FAULT_KINDS)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {FAULT_KINDS}")
        opts = {"retry_after": retry_after, "timeout_s": timeout_s, "method": method and method.upper()}
        with self._lock:
            self._faults.extend([(kind, opts)] * n)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def requests(self) -> list[dict[str, Any]]:
        """Every provider request seen: method, path, status."""
        with self._lock:
            return [dict(r) for r in self._requests]

    def reset(self) -> None:
        """Forget requests, counters and faults (subclasses also drop their provider state)."""
        with self._lock:
            self._requests.clear()
            self._faults.clear()
            self.created.clear()

    # ---- to be supplied by each fake --------------------------------------------------------------

    def error_response(self, exc: Exception) -> Response:
        raise NotImplementedError

    def fault_response(self, kind: str, retry_after: int) -> Response:
        raise NotImplementedError

    def seed(self, body: dict[str, Any]) -> dict[str, Any]:
        """`POST /_fake/seed`: create accounts/zones/tokens from a JSON body."""
        raise NotImplementedError

    # ---- request plumbing -------------------------------------------------------------------------

    def route(self, path: str, handler: Callable[..., Any], methods: list[str],
              errors: tuple[type[Exception], ...]) -> Route:
        """A provider route: faults first, then `handler(request, **path_params)`; `errors` raised by
        the handler become the provider's error envelope. Every answer is logged."""

        async def endpoint(request: Request) -> Response:
            response = await self._faulted(request.method)
            if response is None:
                try:
                    response = await handler(request, **request.path_params)
                except errors as exc:
                    response = self.error_response(exc)
            with self._lock:
                self._requests.append({"method": request.method, "path": request.url.path,
                                       "status": response.status_code, "at": self.clock()})
            return response

        return Route(path, endpoint, methods=methods)

    async def _faulted(self, method: str) -> Response | None:
        with self._lock:
            queued = next((f for f in self._faults if f[1]["method"] in (None, method)), None)
            if queued is None:
                return None
            self._faults.remove(queued)
        kind, opts = queued
        if kind == "timeout":
            await base.sleep_ms(opts["timeout_s"] * 1000)
            return None
        if kind == "unavailable":
            return PlainTextResponse("Service Unavailable", status_code=503)
        return self.fault_response(kind, opts["retry_after"])

    def control_routes(self, extra: list[Route] | None = None) -> list[Route]:
        async def health(request: Request) -> Response:
            return base.json_response({"ok": True, "fake": self.name})

        async def reset(request: Request) -> Response:
            self.reset()
            return base.json_response({"ok": True})

        async def seed(request: Request) -> Response:
            try:
                return base.json_response(self.seed(await request.json()))
            except (ValueError, KeyError, TypeError) as exc:
                return base.json_response({"error": str(exc)}, 400)

        async def faults(request: Request) -> Response:
            if request.method == "DELETE":
                self.clear_faults()
                return base.json_response({"ok": True})
            try:
                body = await request.json()
                self.fail_next(int(body.get("n", 1)), str(body.get("kind", "server_error")),
                               retry_after=int(body.get("retry_after", 1)),
                               timeout_s=float(body.get("timeout_s", 5.0)), method=body.get("method"))
            except (ValueError, TypeError, AttributeError) as exc:
                return base.json_response({"error": str(exc)}, 400)
            return base.json_response({"ok": True})

        async def requests_(request: Request) -> Response:
            return base.json_response({"requests": self.requests(), "created": dict(self.created)})

        return [
            Route("/_fake/health", health, methods=["GET"]),
            Route("/_fake/reset", reset, methods=["POST"]),
            Route("/_fake/seed", seed, methods=["POST"]),
            Route("/_fake/faults", faults, methods=["POST", "DELETE"]),
            Route("/_fake/requests", requests_, methods=["GET"]),
            *(extra or []),
        ]
