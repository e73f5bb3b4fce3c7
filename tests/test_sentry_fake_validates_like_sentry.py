"""The Sentry ingest fake answers envelopes as Relay does: 200 with the event id for a well-formed envelope
(plain or gzip), 401 without or with doubled auth, 400 for a malformed public key, a newer protocol, an
empty or undecodable body, a malformed envelope (with Relay's cause) or an event that is not JSON, 403
for an unknown key or another project's, 429 with Retry-After when throttled; it records only what it
accepted."""

from __future__ import annotations

import gzip
import json
import uuid
from datetime import UTC, datetime

import httpx

from fakes.base import serve
from fakes.sentry import SentryFake

OTHER_KEY = "0123456789abcdef0123456789abcdef"


def envelope(event: object = None, *, event_id: str | None = None) -> bytes:
    """One event item, shaped as the Python SDK sends it."""
    event_id = event_id or uuid.uuid4().hex
    payload = json.dumps(event if event is not None else {"event_id": event_id, "message": "hi"}).encode()
    head = json.dumps({"event_id": event_id, "sent_at": f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%S.%fZ}"}).encode()
    item = json.dumps({"type": "event", "content_type": "application/json", "length": len(payload)}).encode()
    return head + b"\n" + item + b"\n" + payload + b"\n"


def auth(key: str, version: int = 7) -> dict[str, str]:
    return {"X-Sentry-Auth": f"Sentry sentry_key={key}, sentry_version={version}, sentry_client=test/1.0",
            "Content-Type": "application/x-sentry-envelope"}


def test_sentry_fake_answers_like_relay():
    fake = SentryFake()
    key = fake.add_project(42)
    fake.add_project(43, OTHER_KEY)
    with serve(fake.app) as server:
        url = f"{server.url}/api/42/envelope/"

        def post(body: bytes, headers: dict[str, str] | None = None, target: str = url) -> httpx.Response:
            return httpx.post(target, content=body, headers=auth(key) if headers is None else headers)

        def refused(r: httpx.Response) -> tuple[int, str, list[str]]:
            body = r.json()
            return r.status_code, body["detail"], body.get("causes", [])

        event_id = uuid.uuid4().hex
        r = post(envelope(event_id=event_id))
        assert (r.status_code, r.json()) == (200, {"id": event_id})
        r = httpx.post(url, content=gzip.compress(envelope()), headers={**auth(key), "Content-Encoding": "gzip"})
        assert r.status_code == 200
        r = post(json.dumps({}).encode() + b"\n" + b'{"type":"client_report"}\n{"discarded_events":[]}')
        assert (r.status_code, r.json()) == (200, {})  # no event, no id; implicit length up to the end

        assert refused(post(envelope(), {})) == (401, "missing authorization information", [])
        assert refused(httpx.post(url + f"?sentry_key={key}", content=envelope(), headers=auth(key)))[:2] == (
            401, "multiple authorization payloads detected")
        assert refused(post(envelope(), {"X-Sentry-Auth": "Sentry sentry_version=7"}))[:2] == (
            401, "bad x-sentry-auth header")
        assert refused(post(envelope(), auth("public")))[:2] == (400, "bad sentry DSN public key")
        assert refused(post(envelope(), auth(key, version=8)))[:2] == (400, "unsupported protocol version (8)")
        assert refused(post(b""))[:2] == (400, "empty request body")
        assert refused(httpx.post(url, content=b"not gzip", headers={**auth(key), "Content-Encoding": "gzip"}))[:2] \
            == (400, "failed to read request body")

        assert refused(post(b"not json\n")) == (400, "invalid event envelope", ["invalid envelope header"])
        assert refused(post(b'{"event_id":"[redacted]"}\n')) == (
            400, "invalid event envelope", ["invalid envelope header"])
        assert refused(post(b'{} trailing\n')) == (
            400, "invalid event envelope", ["missing newline after header or payload"])
        assert refused(post(b'{}\n{"length":2}\nhi\n')) == (400, "invalid event envelope", ["invalid item header"])
        assert refused(post(b'{}\n{"type":"event","length":99}\n{}\n')) == (
            400, "invalid event envelope", ["unexpected end of file"])
        assert refused(post(b'{}\n{"type":"event","length":1}\n{}\n')) == (
            400, "invalid event envelope", ["missing newline after header or payload"])
        assert refused(post(b'{"dsn":"https://%s@o1.ingest.sentry.io/43"}\n' % key.encode())) == (
            400, "invalid event envelope", ["project id header mismatch between envelope and request"])
        assert refused(post(envelope(["not", "an object"])))[:2] == (400, "invalid JSON data")
        assert refused(post(envelope({"event_id": "[redacted]"})))[:2] == (400, "invalid JSON data")

        assert refused(post(envelope(), auth(OTHER_KEY))) == (
            403, "event submission rejected with_reason: ProjectId", [])
        assert refused(post(envelope(), auth("f" * 32))) == (
            403, "event submission rejected with_reason: ProjectId", [])
        assert httpx.post(f"{server.url}/api/not-a-number/envelope/", content=envelope(),
                          headers=auth(key)).status_code == 404

        fake.throttle(1, retry_after=7)
        r = post(envelope())
        assert (r.status_code, r.headers["retry-after"]) == (429, "7")
        assert r.headers["x-sentry-rate-limits"].startswith("7::")

    assert [e["event_id"] for e in fake.events()][:1] == [event_id]
    assert len(fake.events()) == 2 and len(fake.envelopes) == 3
    assert [e.content_encoding for e in fake.envelopes] == [None, "gzip", None]
    assert fake.items("client_report")[0].json() == {"discarded_events": []}
