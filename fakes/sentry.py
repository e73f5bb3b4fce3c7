"""A local fake of Sentry's ingest (Relay's envelope endpoint) that validates like Relay and records what
it accepts.

The Python SDK (3.x, and 2.x) sends everything as envelopes: `POST /api/<project_id>/envelope/` with
`X-Sentry-Auth: Sentry sentry_key=<public key>, sentry_version=7, sentry_client=sentry.python/...`,
`Content-Type: application/x-sentry-envelope` and the body gzip- (or, with `brotli` installed,
br-) compressed. The legacy `/api/<project_id>/store/` endpoint is not used by these SDKs and is not
served. An envelope is newline-delimited: one JSON header line (`event_id`, `sent_at`, `trace`, maybe
`dsn`), then items, each a JSON header line (`type`, optional `length`) and its payload (exactly
`length` bytes, or up to the next newline), each terminated by `\\n` or the end of the body.

Relay's answers, reproduced here (JSON `{"detail": ..., "causes": [...]}`):
- 401 `missing authorization information` (no `X-Sentry-Auth` / `Authorization: Sentry ...` /
  `?sentry_key=`), `multiple authorization payloads detected`, `bad x-sentry-auth header` (no
  `sentry_key`, a non-numeric version);
- 400 `bad sentry DSN public key` (not 32 characters), `unsupported protocol version (N)` (N > 7),
  `empty request body`, `failed to read request body` (a body that does not decode in its
  `Content-Encoding`), `invalid event envelope` with the parser's cause (`missing envelope header`,
  `invalid envelope header`, `missing newline after header or payload`, `invalid item header`,
  `unexpected end of file`, `project id header mismatch between envelope and request`, ...),
  `invalid JSON data` (an `event` item that is not a JSON object with a valid `event_id`);
- 403 `event submission rejected with_reason: ProjectId` (an unknown public key, or one of another
  project);
- 413 when the body or an event item is over Relay's limits; 429 with `Retry-After` and
  `X-Sentry-Rate-Limits` when throttled (`throttle`);
- 200 `{"id": "<event id>"}` (`{}` for an envelope without an event).

Run in-process:

    fake = SentryFake()
    dsn = fake.add_project()                     # (project 1, a new 32-hex public key)
    with serve(fake.app) as server:              # fakes.base.serve
        sentry_sdk.init(dsn=fake.dsn(server.url))
        ...
        sentry_sdk.flush()
    fake.events()                                # -> the accepted event payloads (dicts)
    fake.envelopes                               # -> [ReceivedEnvelope(...)], raw decoded bodies included
    fake.rejections                              # -> [(status, detail, causes)] of refused requests

or as a process: `python -m fakes.sentry --port 8108` (prints the DSN it accepts).
"""

from __future__ import annotations

import gzip
import json
import re
import secrets
import threading
import time
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from fakes import base

try:  # the SDK compresses with brotli only when it can import it; so does this fake decode it
    import brotli  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the environment
    brotli = None

PROTOCOL_VERSION = 7                      # relay_event_schema::protocol::PROTOCOL_VERSION
MAX_ENVELOPE_BYTES = 100 * 1024 * 1024    # Relay's default limits.max_envelope_size (decoded)
MAX_EVENT_BYTES = 1024 * 1024             # ... and limits.max_event_size
_WHITESPACE = b" \t\r\n"


@dataclass(frozen=True)
class EnvelopeItem:
    headers: dict[str, Any]
    payload: bytes

    @property
    def type(self) -> str:
        return str(self.headers.get("type"))

    def json(self) -> Any:
        return json.loads(self.payload)


@dataclass(frozen=True)
class ReceivedEnvelope:
    project_id: int
    public_key: str
    auth: dict[str, str]
    headers: dict[str, Any]
    items: tuple[EnvelopeItem, ...]
    raw: bytes                                   # the decoded body, byte for byte
    content_encoding: str | None
    received_at: float = field(default_factory=time.time)


class _Refused(Exception):
    def __init__(self, status: int, detail: str, *causes: str, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status, self.detail, self.causes, self.headers = status, detail, list(causes), headers


class _BadEnvelope(ValueError):
    """An EnvelopeError of Relay's parser; the message is Relay's."""


class SentryFake:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.projects: dict[str, int] = {}        # public key -> project id
        self.envelopes: list[ReceivedEnvelope] = []
        self.rejections: list[tuple[int, str, list[str]]] = []
        self.requests = 0
        self._throttle: list[int] = []             # Retry-After seconds, one per request to throttle
        self.app = Starlette(routes=[
            Route("/api/{project_id:int}/envelope/", self._envelope, methods=["POST"]),
        ])

    # ---- control -----------------------------------------------------------------------------
    def add_project(self, project_id: int = 1, public_key: str | None = None) -> str:
        """Accept envelopes for `project_id` signed with `public_key` (default: a new one); returns the key."""
        public_key = public_key or secrets.token_hex(16)
        with self._lock:
            self.projects[public_key] = project_id
        return public_key

    def dsn(self, base_url: str, public_key: str | None = None) -> str:
        """The DSN of a project (the only one, if `public_key` is not given) on this fake at `base_url`."""
        with self._lock:
            if public_key is None:
                if len(self.projects) != 1:
                    raise ValueError(f"name the public key: the fake has {len(self.projects)} projects")
                public_key = next(iter(self.projects))
            project_id = self.projects[public_key]
        parts = urlsplit(base_url)
        return f"{parts.scheme}://{public_key}@{parts.netloc}/{project_id}"

    def throttle(self, times: int = 1, retry_after: int = 60) -> None:
        """The next `times` envelopes get 429, as a spent quota answers."""
        with self._lock:
            self._throttle.extend([retry_after] * times)

    def items(self, item_type: str | None = None) -> list[EnvelopeItem]:
        with self._lock:
            return [i for e in self.envelopes for i in e.items if item_type is None or i.type == item_type]

    def events(self) -> list[dict[str, Any]]:
        """The payloads of every accepted `event` item, in arrival order."""
        return [i.json() for i in self.items("event")]

    def wait_for_events(self, count: int = 1, timeout_s: float = 5.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout_s
        while True:
            events = self.events()
            if len(events) >= count or time.monotonic() > deadline:
                return events
            time.sleep(0.02)

    def reset(self) -> None:
        with self._lock:
            self.envelopes.clear()
            self.rejections.clear()
            self._throttle.clear()
            self.requests = 0

    # ---- the endpoint --------------------------------------------------------------------------
    async def _envelope(self, request: Request) -> JSONResponse:
        with self._lock:
            self.requests += 1
        body = await request.body()
        try:
            envelope = self._accept(request, body)
        except _Refused as refused:
            with self._lock:
                self.rejections.append((refused.status, refused.detail, refused.causes))
            content: dict[str, Any] = {"detail": refused.detail}
            if refused.causes:
                content["causes"] = refused.causes
            return base.json_response(content, refused.status, refused.headers)
        with self._lock:
            self.envelopes.append(envelope)
        event_id = envelope.headers.get("event_id")
        return base.json_response({"id": _simple_uuid(event_id)} if event_id else {})

    def _accept(self, request: Request, body: bytes) -> ReceivedEnvelope:
        project_id = request.path_params["project_id"]
        auth = _auth(request)
        public_key = auth["sentry_key"].split(".", 1)[0]  # Relay allows `<key>.<flag>...`
        if len(public_key) != 32 or not public_key.isascii():
            raise _Refused(400, "bad sentry DSN public key")
        version = auth.get("sentry_version", str(PROTOCOL_VERSION))
        if int(version) > PROTOCOL_VERSION:
            raise _Refused(400, f"unsupported protocol version ({int(version)})")

        encoding = request.headers.get("content-encoding")
        data = _decode(encoding, body)
        if not data:
            raise _Refused(400, "empty request body")
        if len(data) > MAX_ENVELOPE_BYTES:
            raise _Refused(413, "failed to read request body", "payload reached its size limit")
        try:
            headers, items = parse_envelope(data)
            dsn = headers.get("dsn")
            if dsn is not None:
                dsn_key, dsn_project = _parse_dsn(dsn)
                if dsn_project != project_id:
                    raise _BadEnvelope("project id header mismatch between envelope and request")
                if dsn_key != public_key:
                    raise _BadEnvelope("public key header mismatch between envelope and request")
        except _BadEnvelope as exc:
            raise _Refused(400, "invalid event envelope", str(exc)) from None
        for item in items:
            if item.type == "event":
                if len(item.payload) > MAX_EVENT_BYTES:
                    raise _Refused(413, "envelope exceeded size limits for type 'event'")
                _check_event(item.payload)

        with self._lock:
            known = self.projects.get(public_key)
            if known is None or known != project_id:
                raise _Refused(403, "event submission rejected with_reason: ProjectId")
            if self._throttle:
                wait = self._throttle.pop(0)
                raise _Refused(429, "event rejected due to rate limit",
                               headers={"Retry-After": str(wait),
                                        "X-Sentry-Rate-Limits": f"{wait}::organization:usage_exceeded"})
        return ReceivedEnvelope(project_id, public_key, auth, headers, tuple(items), data, encoding)


# --------------------------------------------------------------------------------------------------
# Relay's request parsing


def _auth_pairs(text: str, *, header: bool) -> dict[str, str]:
    if header:
        text = text[len("sentry "):]
        pairs = (part.split("=", 1) for part in text.split(",") if part.strip())
        values = {k.strip(): v.strip() for k, v in (p if len(p) == 2 else (p[0], "") for p in pairs)}
    else:
        values = dict(parse_qsl(text, keep_blank_values=True))
    if not values.get("sentry_key"):
        raise _Refused(401, "bad x-sentry-auth header", "missing public key in auth string")
    version = values.get("sentry_version")
    if version is not None and not version.split(".", 1)[0].isdigit():
        raise _Refused(401, "bad x-sentry-auth header", "invalid value for version")
    if version is not None:
        values["sentry_version"] = version.split(".", 1)[0]
    return values


def _auth(request: Request) -> dict[str, str]:
    """X-Sentry-Auth, `Authorization: Sentry ...` or `?sentry_key=...`: exactly one of them."""
    found: list[dict[str, str]] = []
    for name in ("x-sentry-auth", "authorization"):
        value = request.headers.get(name, "")
        if value[:7].lower() == "sentry ":
            found.append(_auth_pairs(value, header=True))
    query = request.url.query
    if "sentry_" in query:
        found.append(_auth_pairs(query, header=False))
    if not found:
        raise _Refused(401, "missing authorization information")
    if len(found) > 1:
        raise _Refused(401, "multiple authorization payloads detected")
    return found[0]


def _decode(encoding: str | None, body: bytes) -> bytes:
    """Decode the body as Relay does: gzip, deflate (zlib), br; any other value is read as identity."""
    name = (encoding or "").strip().lower()
    if name == "br" and brotli is None:
        raise _Refused(400, "failed to read request body", "brotli is not installed in this fake")
    decoders = {"gzip": gzip.decompress, "x-gzip": gzip.decompress, "deflate": zlib.decompress,
                "br": brotli.decompress if brotli else None}
    decoder = decoders.get(name)
    if decoder is None:
        return body
    try:
        return decoder(body)
    except Exception as exc:  # gzip: OSError/EOFError, zlib.error, brotli.error
        raise _Refused(400, "failed to read request body", str(exc) or type(exc).__name__) from None


def _parse_dsn(dsn: Any) -> tuple[str, int]:
    if not isinstance(dsn, str):
        raise _BadEnvelope("invalid envelope header")
    parts = urlsplit(dsn)
    key = parts.username or ""
    project = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if len(key) != 32 or not project.isdigit():
        raise _BadEnvelope("invalid envelope header")
    return key, int(project)


def _simple_uuid(value: Any) -> str:
    return uuid.UUID(str(value)).hex


def _valid_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def _valid_timestamp(value: Any) -> bool:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return True
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(re.sub(r"Z$", "+00:00", value))
    except ValueError:
        return False
    return True


def _json_line(data: bytes, offset: int) -> tuple[Any, int] | None:
    """The JSON value starting at `offset` (leading whitespace skipped, as serde's stream does) and the
    offset just after it; None at the end of the data. It must be followed by a newline or the end."""
    while offset < len(data) and data[offset] in _WHITESPACE:
        offset += 1
    if offset >= len(data):
        return None
    end = data.find(b"\n", offset)
    end = len(data) if end < 0 else end
    try:
        text = data[offset:end].decode("utf-8")
        value, used = json.JSONDecoder().raw_decode(text)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValueError(str(exc)) from None
    after = offset + len(text[:used].encode("utf-8"))
    if after != end:
        raise _BadEnvelope("missing newline after header or payload")
    return value, after


def _header_line(data: bytes, offset: int, invalid: str) -> tuple[Any, int] | None:
    """_json_line, with a line that is not JSON refused as Relay words it for that header."""
    try:
        return _json_line(data, offset)
    except _BadEnvelope:
        raise
    except ValueError:
        raise _BadEnvelope(invalid) from None


def parse_envelope(data: bytes) -> tuple[dict[str, Any], list[EnvelopeItem]]:
    """Parse an envelope as Relay's `Envelope::parse_request` does; raises _BadEnvelope with its messages."""
    header = _header_line(data, 0, "invalid envelope header")
    if header is None:
        raise _BadEnvelope("missing envelope header")
    headers, offset = header
    if not isinstance(headers, dict):
        raise _BadEnvelope("invalid envelope header")
    if "event_id" in headers and headers["event_id"] is not None and not _valid_uuid(headers["event_id"]):
        raise _BadEnvelope("invalid envelope header")
    if headers.get("sent_at") is not None and not _valid_timestamp(headers["sent_at"]):
        raise _BadEnvelope("invalid envelope header")
    offset += 1

    items: list[EnvelopeItem] = []
    while offset < len(data):
        parsed = _header_line(data, offset, "invalid item header")
        if parsed is None:
            raise _BadEnvelope("unexpected end of file")
        item_headers, header_end = parsed
        length = item_headers.get("length") if isinstance(item_headers, dict) else None
        if (not isinstance(item_headers, dict) or not isinstance(item_headers.get("type"), str)
                or (length is not None and (not isinstance(length, int) or isinstance(length, bool)
                                            or not 0 <= length < 2**32))):
            raise _BadEnvelope("invalid item header")
        start = min(header_end + 1, len(data))
        if length is not None:
            end = start + length
            if len(data) < end:
                raise _BadEnvelope("unexpected end of file")
            if end < len(data) and data[end:end + 1] != b"\n":
                raise _BadEnvelope("missing newline after header or payload")
        else:
            newline = data.find(b"\n", start)
            end = len(data) if newline < 0 else newline
        items.append(EnvelopeItem(item_headers, data[start:end]))
        offset = end + 1
    return headers, items


def _check_event(payload: bytes) -> None:
    """Relay reads the event id of an `event` item at the endpoint: the item must be a JSON object and
    its `event_id`, if any, a UUID."""
    try:
        event = json.loads(payload)
    except (UnicodeDecodeError, ValueError) as exc:
        raise _Refused(400, "invalid JSON data", str(exc)) from None
    if not isinstance(event, dict):
        raise _Refused(400, "invalid JSON data", "an event must be a JSON object")
    if event.get("event_id") is not None and not _valid_uuid(event["event_id"]):
        raise _Refused(400, "invalid JSON data", f"invalid event id {event['event_id']!r}")


def main(argv: list[str] | None = None) -> None:
    fake = SentryFake()

    def build(args):
        key = fake.add_project(args.project_id, args.public_key)
        print(f"sentry project {args.project_id}, public key {key} "
              f"(DSN: http://{key}@<host>:<port>/{args.project_id})", flush=True)
        return fake.app

    def add_arguments(parser):
        parser.add_argument("--project-id", type=int, default=1)
        parser.add_argument("--public-key", default=None, help="32 characters (default: a new one)")

    base.run_cli("sentry", build, default_port=8108, argv=argv, add_arguments=add_arguments)


if __name__ == "__main__":
    main()
