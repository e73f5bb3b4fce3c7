"""The setup API counts a body while it streams in and stops reading past 1 MB (413 body_too_large),
and a malformed or ill-typed body is a 4xx with its code, never a 500 (POST .../validate included,
whose body may also be empty)."""

from __future__ import annotations

import json

import psycopg
import pytest

from service.auth import sign
from service.body import MAX_BODY_BYTES
from tests.apiutil import api_client

SECRET = "setup-body-tests-jwt-secret-with-32-characters-at-least"
GOOD = {"company_name": "Clínica Sorriso", "pixel_id": "123456789012345",
        "meta_access_token": "EAAgoodtoken000000000000", "gateway": "perfectpay",
        "gateway_secret": "pp-token-0001", "landing_url": "https://sorriso.example.com/agendar",
        "tracking_domain": "track.sorriso.example.com", "cloudflare_api_token": "cf-token-0000000000000001"}
CHUNK = 64 * 1024


@pytest.fixture(scope="module")
def session(dsn):
    with psycopg.connect(dsn, autocommit=True) as conn:
        uid = conn.execute("select tests.create_user('setup-body-owner')").fetchone()[0]
    token = sign({"sub": str(uid), "role": "authenticated", "exp": 4_000_000_000}, SECRET)
    with api_client(dsn, supabase_jwt_secret=SECRET) as client:
        created = client.post("/api/v1/setup/sessions", json=GOOD, headers={"authorization": f"Bearer {token}"})
        assert created.status_code == 201, created.text
        yield client, token, created.json()["session_id"]


async def _stream(app, method: str, path: str, token: str, chunks: int) -> tuple[int, dict, int]:
    """Calls the app as a server would, with a chunked body of `chunks` x 64 KB and no Content-Length;
    returns (status, body, bytes the app pulled)."""
    pulled, left, sent = 0, chunks, []

    async def receive():
        nonlocal pulled, left
        if not left:
            return {"type": "http.request", "body": b"", "more_body": False}
        left -= 1
        pulled += CHUNK
        return {"type": "http.request", "body": b" " * CHUNK, "more_body": True}

    async def send(message):
        sent.append(message)

    headers = [(b"content-type", b"application/json"), (b"authorization", f"Bearer {token}".encode()),
               (b"transfer-encoding", b"chunked")]
    await app({"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
               "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
               "headers": headers, "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, json.loads(body), pulled


@pytest.mark.parametrize("method,path", [("POST", "/validate"), ("PATCH", "")])
def test_a_body_past_the_cap_is_refused_without_reading_the_rest(session, method, path):
    client, token, sid = session
    chunks = 10 * MAX_BODY_BYTES // CHUNK  # 10 MB offered
    status, body, pulled = client.portal.call(_stream, client.app, method, f"/api/v1/setup/sessions/{sid}{path}",
                                              token, chunks)
    assert status == 413 and body["error"]["code"] == "body_too_large", body
    assert pulled <= MAX_BODY_BYTES + CHUNK, f"read {pulled} bytes of a body refused past {MAX_BODY_BYTES}"


@pytest.mark.parametrize(("path", "content", "status", "code"), [
    ("/validate", b'{"all": "yes please"}', 422, "invalid_fields"),
    ("/validate", b'{"all": true, "other": 1}', 422, "invalid_fields"),
    ("/validate", b"[true]", 400, "malformed_json"),
    ("/validate", b'{"all": tr', 400, "malformed_json"),
    ("/validate", b"\xff\xfe", 400, "malformed_json"),
    ("", b'{"pixel_id": 12}', 422, "invalid_fields"),
    ("", b"null", 400, "malformed_json"),
], ids=["validate-wrong-type", "validate-unknown-field", "validate-array", "validate-truncated",
        "validate-not-utf8", "patch-wrong-type", "patch-null"])
def test_a_bad_body_is_a_4xx_with_its_code(session, path, content, status, code):
    client, token, sid = session
    r = client.request("POST" if path else "PATCH", f"/api/v1/setup/sessions/{sid}{path}", content=content,
                       headers={"authorization": f"Bearer {token}", "content-type": "application/json"})
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code and r.json()["error"]["message"]


def test_an_empty_validate_body_re_runs_the_failed_steps(session):
    client, token, sid = session
    r = client.post(f"/api/v1/setup/sessions/{sid}/validate", headers={"authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
