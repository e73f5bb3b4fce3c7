"""Shared plumbing for the local provider fakes.

- `serve(app)` runs an ASGI app with uvicorn in a background thread on a free 127.0.0.1 port and
  returns a `ServerHandle` (`.url`, `.port`, `.stop()`; also a context manager).
- `run_cli(...)` is the `python -m fakes.<name> --port N` entry point: it binds the port, prints
  `<name> fake listening on http://127.0.0.1:N` (flushed, so a parent process can read it) and
  serves in the foreground until SIGINT/SIGTERM.
- `json_response`, `read_params` and `new_rng` are small helpers both fakes use.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import email.parser
import email.policy
import json
import random
import socket
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.requests import Request
from starlette.responses import JSONResponse

HOST = "127.0.0.1"


class ServerHandle:
    """A fake served by uvicorn in a daemon thread."""

    def __init__(self, server: uvicorn.Server, thread: threading.Thread, sock: socket.socket):
        self._server = server
        self._thread = thread
        self._sock = sock
        self.port: int = sock.getsockname()[1]
        self.url: str = f"http://{HOST}:{self.port}"

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop serving. In-flight requests (e.g. ones sleeping in a forced timeout) are dropped; an app
        served with its lifespan gets them a second to finish, then runs its shutdown (which a forced
        exit would cancel)."""
        self._server.should_exit = True
        self._server.force_exit = self._server.config.lifespan == "off"
        self._thread.join(timeout_s)
        with contextlib.suppress(OSError):
            self._sock.close()

    def __enter__(self) -> ServerHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"ServerHandle({self.url})"


def bind(host: str = HOST, port: int = 0) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # else ~40 ms per request (Nagle)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _quiet_on_cancel(app: Any) -> Any:
    """Requests still sleeping (latency/timeout faults) when the server stops are cancelled; answer
    them with an empty 503 instead of letting uvicorn log a CancelledError traceback."""

    async def wrapped(scope: dict, receive: Callable, send: Callable) -> None:
        try:
            await app(scope, receive, send)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await send({"type": "http.response.start", "status": 503, "headers": []})
                await send({"type": "http.response.body", "body": b""})

    return wrapped


def _config(app: Any, host: str, port: int, lifespan: str = "off") -> uvicorn.Config:
    return uvicorn.Config(_quiet_on_cancel(app), host=host, port=port, loop="auto", lifespan=lifespan,
                          log_level="warning", access_log=False, timeout_graceful_shutdown=1)


def serve(app: Any, *, port: int = 0, startup_timeout_s: float = 10.0, lifespan: str = "off") -> ServerHandle:
    """Start `app` on 127.0.0.1:`port` (0 = any free port) in a background thread; lifespan="on" runs
    the app's startup (e.g. the API's connection pool)."""
    sock = bind(HOST, port)
    server = uvicorn.Server(_config(app, HOST, sock.getsockname()[1], lifespan))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                              name=f"fake-{sock.getsockname()[1]}")
    thread.start()
    deadline = time.monotonic() + startup_timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError("fake server failed to start")
        time.sleep(0.005)
    return ServerHandle(server, thread, sock)


def run_cli(name: str, build: Callable[[argparse.Namespace], Any], *, default_port: int,
            add_arguments: Callable[[argparse.ArgumentParser], None] | None = None,
            argv: Sequence[str] | None = None) -> None:
    """`python -m fakes.<name> [--host H] [--port N] ...`: serve `build(args)` in the foreground."""
    parser = argparse.ArgumentParser(prog=f"python -m fakes.{name}", description=f"Local {name} fake.")
    parser.add_argument("--host", default=HOST)
    parser.add_argument("--port", type=int, default=default_port, help="0 picks a free port")
    if add_arguments:
        add_arguments(parser)
    args = parser.parse_args(argv)
    app = build(args)
    sock = bind(args.host, args.port)
    print(f"{name} fake listening on http://{args.host}:{sock.getsockname()[1]}", flush=True)
    uvicorn.Server(_config(app, args.host, sock.getsockname()[1])).run(sockets=[sock])


# --------------------------------------------------------------------------------------------------
# Helpers


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)


def new_rng(seed: int | None) -> random.Random:
    return random.Random(seed)


async def sleep_ms(ms: float) -> None:
    if ms > 0:
        await asyncio.sleep(ms / 1000)


class BodyError(ValueError):
    """The request body could not be parsed in the declared content type."""


def _parse_multipart(content_type: str, body: bytes) -> dict[str, str]:
    """Parse multipart/form-data with the stdlib (python-multipart is not a dependency here)."""
    raw = b"Content-Type: " + content_type.encode("latin-1") + b"\r\nMIME-Version: 1.0\r\n\r\n" + body
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
    if not message.is_multipart():
        raise BodyError("malformed multipart body")
    fields: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        charset = part.get_content_charset() or "utf-8"
        fields[str(name)] = payload.decode(charset, errors="replace")
    return fields


async def read_params(request: Request) -> tuple[dict[str, Any], str]:
    """Merge query params and body params (body wins), like Graph does.

    Returns (params, body_kind) where body_kind is "json", "form", "multipart" or "none".
    JSON bodies keep their JSON types; form and multipart values are strings.
    """
    params: dict[str, Any] = dict(request.query_params)
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    if not body:
        return params, "none"
    if media == "application/json" or (not media and body.lstrip()[:1] in (b"{", b"[")):
        try:
            decoded = json.loads(body)
        except ValueError as exc:
            raise BodyError("body is not valid JSON") from exc
        if not isinstance(decoded, dict):
            raise BodyError("JSON body must be an object")
        params.update(decoded)
        return params, "json"
    if media == "multipart/form-data":
        params.update(_parse_multipart(content_type, body))
        return params, "multipart"
    if media in ("application/x-www-form-urlencoded", ""):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BodyError("form body is not UTF-8") from exc
        params.update(parse_qsl(text, keep_blank_values=True))
        return params, "form"
    raise BodyError(f"unsupported content type {media!r}")


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None
