"""X-Hub-Signature-256 is HMAC-SHA256 of the RAW body with the app secret (gateways.md §3.2), checked
before anything is parsed or stored: a mismatch is a 401 and leaves only a tracking.rejected_requests
row. The reference test vector (the CTWA example's exact bytes) is accepted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fakes import whatsapp as wa
from tests.apiutil import WA_APP_SECRET, api_client, connect_whatsapp, make_tenant, whatsapp_client

EXAMPLE = Path("/work/shared/reference/examples/whatsapp_ctwa_example.json")
VECTOR = "sha256=c4883f87b20b061ba562774eb6aa52d7b8c69dcfeda55e581bb6d7c494bd5d57"
TABLES = ("tracking.inbound", "tracking.events", "whatsapp.unrouted", "whatsapp.contacts",
          "whatsapp.conversations", "whatsapp.messages", "whatsapp.message_statuses", "whatsapp.numbers")


@pytest.fixture(scope="module")
def tenant(dsn):
    t = make_tenant(dsn)
    connect_whatsapp(dsn, t.company_id, wa.DEFAULT_WABA_ID, wa.DEFAULT_PHONE_NUMBER_ID, wa.DEFAULT_DISPLAY_PHONE_NUMBER)
    return t


@pytest.fixture(scope="module")
def client(dsn):
    with whatsapp_client(dsn) as c:
        yield c


def _counts(conn) -> dict[str, int]:
    return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}  # noqa: S608


def _post(client, raw: bytes, signature: str | None):
    headers = {"content-type": "application/json"}
    if signature is not None:
        headers["x-hub-signature-256"] = signature
    return client.post("/webhooks/whatsapp", content=raw, headers=headers)


def _forged_bodies() -> list[tuple[str, bytes, str | None]]:
    raw = EXAMPLE.read_bytes()
    tampered = raw.replace(b"Can I get more info", b"Can I get MORE info")
    reserialised = json.dumps(json.loads(raw), indent=1).encode()  # same JSON, other bytes
    return [
        ("wrong-secret", raw, wa.sign(raw, "someone-elses-app-secret")),
        ("missing-header", raw, None),
        ("no-sha256-prefix", raw, VECTOR.removeprefix("sha256=")),
        ("body-changed-after-signing", tampered, VECTOR),
        ("same-json-other-bytes", reserialised, VECTOR),
        ("garbage", b"not json at all", wa.sign(b"other", WA_APP_SECRET)),
    ]


@pytest.mark.parametrize(("raw", "signature"), [(r, s) for _, r, s in _forged_bodies()],
                         ids=[n for n, _, _ in _forged_bodies()])
def test_a_mismatch_is_a_401_and_only_the_rejection_is_stored(client, tenant, conn, raw, signature):
    before = _counts(conn)
    r = _post(client, raw, signature)
    assert r.status_code == 401, r.text
    err = r.json()["error"]
    assert err["code"] == "bad_signature"
    assert _counts(conn) == before
    row = conn.execute("select company_id, source, http_status, error_code, body_bytes"
                       " from tracking.rejected_requests where request_id = %s", (err["request_id"],)).fetchone()
    assert row == (None, "whatsapp", 401, "bad_signature", len(raw))


def test_the_reference_vector_is_accepted_byte_for_byte(client, tenant, conn):
    raw = EXAMPLE.read_bytes()
    assert len(raw) == 1699 and wa.sign(raw, WA_APP_SECRET) == VECTOR
    r = _post(client, raw, VECTOR)
    assert r.status_code == 200, r.text
    [stored] = r.json()["stored"]
    assert stored["processing"] == "processed"
    company, source = conn.execute("select company_id::text, source from tracking.inbound where id = %s",
                                   (stored["inbound_id"],)).fetchone()
    assert (company, source) == (tenant.company_id, "whatsapp")
    assert conn.execute("select text_body from whatsapp.messages where inbound_id = %s",
                        (stored["inbound_id"],)).fetchone()[0] == "Can I get more info about this?"


def test_without_an_app_secret_nothing_is_accepted(dsn, tenant, conn):
    before = _counts(conn)
    raw = EXAMPLE.read_bytes()
    with api_client(dsn, whatsapp_app_secret=None) as c:
        r = _post(c, raw, VECTOR)
    assert r.status_code == 503 and r.json()["error"]["code"] == "whatsapp_not_configured"
    assert _counts(conn) == before
