"""The Graph client of the dispatcher: POST a prepared body to `{META_GRAPH_URL}/{version}/{pixel}/events`.

It moves bytes: the body was built by SQL (delivery.build_payload) and what Meta answers is handed back
as-is to SQL (delivery.record_attempt), which classifies it. The token travels in the Authorization
header (meta_capi.md §1: Bearer is accepted), so it is never part of a URL that a log line or an
exception message could carry. One keep-alive connection pool per client; the timeout is
META_TIMEOUT_S (1.5 s by default, as Meta advises). Tests inject an httpx transport.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import httpx

# what Meta's answers carry that is worth keeping with the attempt (never request headers)
_KEPT_HEADERS = ("x-fb-trace-id", "x-fb-rev", "x-fb-request-id", "x-business-use-case-usage",
                 "x-app-usage", "x-ad-account-usage", "retry-after", "content-type", "date")


@dataclass(frozen=True)
class MetaAnswer:
    """What came back. failure: None (an HTTP answer), 'timeout' or 'network' (none)."""

    http_status: int | None
    body: str | None
    headers: dict[str, str] = field(default_factory=dict)
    latency_ms: int = 0
    failure: str | None = None
    detail: str | None = None


class MetaClient:
    def __init__(self, graph_url: str, api_version: str, timeout_s: float,
                 transport: httpx.BaseTransport | None = None):
        self.api_version = api_version
        self.http = httpx.Client(
            base_url=graph_url.rstrip("/"),
            timeout=httpx.Timeout(timeout_s),
            transport=transport,
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=32, keepalive_expiry=60),
            headers={"content-type": "application/json", "user-agent": "trackai-dispatch/0.1"},
        )

    def post_events(self, pixel_id: str, token: str, body: bytes) -> MetaAnswer:
        return self._send("POST", f"/{self.api_version}/{pixel_id}/events", content=body, token=token)

    def _send(self, method: str, path: str, *, token: str, **kwargs) -> MetaAnswer:
        started = time.perf_counter()
        try:
            resp = self.http.request(method, path, headers={"authorization": f"Bearer {token}"}, **kwargs)
        except httpx.TimeoutException as exc:
            return MetaAnswer(None, None, latency_ms=_ms(started), failure="timeout",
                              detail=f"no answer within the timeout ({type(exc).__name__})")
        except httpx.HTTPError as exc:
            # the message names the host at most: the token is in a header, never in the URL
            return MetaAnswer(None, None, latency_ms=_ms(started), failure="network",
                              detail=f"{type(exc).__name__}: {exc}"[:300])
        headers = {k: v for k, v in resp.headers.items() if k.lower() in _KEPT_HEADERS}
        return MetaAnswer(resp.status_code, resp.text, headers, _ms(started))

    def get_pixel(self, pixel_id: str, token: str) -> MetaAnswer:
        """The cheap pixel + token check of meta_capi.md §8 (GET, never a test event)."""
        return self._send("GET", f"/{self.api_version}/{pixel_id}",
                          params={"fields": "id,name,last_fired_time,is_unavailable"}, token=token)

    def close(self) -> None:
        self.http.close()


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
