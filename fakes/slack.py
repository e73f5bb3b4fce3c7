"""A local fake of a Slack incoming webhook that validates like Slack and records what it accepts.

Slack answers an incoming webhook with a plain-text body: `ok` (200), or an error code:
400 `invalid_payload` (not JSON / not an object / unparseable form `payload`), 400 `no_text` (neither
`text` nor `blocks`), 400 `invalid_blocks` (blocks not a list of objects with a `type`), 404
`no_service` (unknown or revoked webhook URL), 403 `action_prohibited`, and 429 with `Retry-After`
(seconds) when rate limited. Run in-process:

    fake = SlackFake()
    url = fake.add_webhook()                       # "/services/T.../B.../secret"
    with serve(fake.app) as server:                # fakes.base.serve
        httpx.post(server.url + url, json={"text": "hi"})
    fake.messages                                  # -> [SlackMessage(path, payload, received_at)]
    fake.throttle(2, retry_after=1)                # the next 2 posts get 429 Retry-After: 1
    fake.fail(1, status=500)                       # the next post gets a 500

or as a process: `python -m fakes.slack --port 8103` (prints the webhook path it accepts).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from fakes import base


@dataclass(frozen=True)
class SlackMessage:
    path: str
    payload: dict[str, Any]
    received_at: float = field(default_factory=time.time)

    @property
    def text(self) -> str:
        return str(self.payload.get("text", ""))


class SlackFake:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.webhooks: set[str] = set()
        self.messages: list[SlackMessage] = []
        self.requests = 0
        self._throttle: list[int] = []  # Retry-After seconds, one per request to throttle
        self._failures: list[int] = []  # HTTP statuses, one per request to fail
        self.app = Starlette(routes=[
            Route("/services/{rest:path}", self._post, methods=["POST"]),
        ])

    # ---- control -----------------------------------------------------------------------------
    def add_webhook(self, path: str | None = None) -> str:
        path = path or f"/services/T{secrets.token_hex(4).upper()}/B{secrets.token_hex(4).upper()}/" \
                       f"{secrets.token_urlsafe(18)}"
        with self._lock:
            self.webhooks.add(path)
        return path

    def revoke(self, path: str) -> None:
        with self._lock:
            self.webhooks.discard(path)

    def throttle(self, times: int = 1, retry_after: int = 1) -> None:
        with self._lock:
            self._throttle.extend([retry_after] * times)

    def fail(self, times: int = 1, status: int = 500) -> None:
        with self._lock:
            self._failures.extend([status] * times)

    def texts(self) -> list[str]:
        with self._lock:
            return [m.text for m in self.messages]

    # ---- the webhook ---------------------------------------------------------------------------
    async def _post(self, request: Request) -> PlainTextResponse:
        path = request.url.path
        body = await request.body()
        with self._lock:
            self.requests += 1
            if path not in self.webhooks:
                return PlainTextResponse("no_service", status_code=404)
            if self._throttle:
                wait = self._throttle.pop(0)
                return PlainTextResponse("rate_limited", status_code=429, headers={"Retry-After": str(wait)})
            if self._failures:
                return PlainTextResponse("internal_error", status_code=self._failures.pop(0))
        payload = _parse(request.headers.get("content-type", ""), body)
        if not isinstance(payload, dict):
            return PlainTextResponse("invalid_payload", status_code=400)
        text, blocks = payload.get("text"), payload.get("blocks")
        if blocks is not None and (not isinstance(blocks, list) or not blocks
                                   or not all(isinstance(b, dict) and isinstance(b.get("type"), str)
                                              for b in blocks)):
            return PlainTextResponse("invalid_blocks", status_code=400)
        if not (isinstance(text, str) and text.strip()) and not blocks:
            return PlainTextResponse("no_text", status_code=400)
        with self._lock:
            self.messages.append(SlackMessage(path, payload))
        return PlainTextResponse("ok")


def _parse(content_type: str, body: bytes) -> Any:
    """JSON body, or a form body with the JSON in `payload` (both are accepted by Slack)."""
    media = content_type.split(";")[0].strip().lower()
    try:
        if media == "application/x-www-form-urlencoded":
            values = parse_qs(body.decode("utf-8")).get("payload")
            return json.loads(values[0]) if values else None
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None


def main(argv: list[str] | None = None) -> None:
    fake = SlackFake()

    def build(args):
        path = fake.add_webhook(args.webhook)
        print(f"slack webhook path: {path}", flush=True)
        return fake.app

    base.run_cli("slack", build, default_port=8103, argv=argv,
                 add_arguments=lambda p: p.add_argument("--webhook", default=None,
                                                        help="webhook path to accept (default: a new one)"))


if __name__ == "__main__":
    main()
