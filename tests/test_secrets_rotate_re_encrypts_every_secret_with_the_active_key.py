"""`trackai secrets rotate` re-encrypts every secret still under an old key with the active (first) key,
keeps the plaintext, is idempotent, does not count as a new CAPI token (a paused destination stays
paused), and names - never prints - a secret it cannot decrypt."""

from __future__ import annotations

import base64

import psycopg
from typer.testing import CliRunner

from core import tenants
from core.secrets import Keyring
from core.settings import load
from tests.dispatchutil import keyring, new_pixel, new_tenant, new_token
from trackai.cli import app

NEW = "k2026:" + base64.b64encode(b"n" * 32).decode()


def rotate(monkeypatch, dsn, keys: str):
    monkeypatch.setenv("DATABASE_URL", dsn)
    monkeypatch.setenv("TRACKAI_SECRET_KEY", keys)
    return CliRunner().invoke(app, ["secrets", "rotate"])


def test_rotation_rewraps_every_row_under_the_new_key(conn, dsn, monkeypatch):
    old_spec = load().secret_key
    token = new_token()
    company, dest = new_tenant(conn, new_pixel(), token)
    tenants.put_secret(conn, keyring(), company, "mercadopago_access_token", "APP_USR-123")
    conn.execute("update delivery.destinations set status = 'paused', paused_at = now(),"
                 " paused_reason = 'test' where id = %s", (dest,))
    before = conn.execute("select count(*) from app.secrets").fetchone()[0]
    assert conn.execute("select count(*) from app.secrets where key_id <> 'test'").fetchone()[0] == 0

    result = rotate(monkeypatch, dsn, f"{NEW},{old_spec}")
    assert result.exit_code == 0, result.output
    assert f"re-encrypted {before} secret(s) with key k2026" in result.output
    assert token not in result.output and "APP_USR-123" not in result.output

    ring = Keyring.parse(f"{NEW}")  # the old key is no longer needed
    rows = conn.execute("select company_id::text, kind, key_id, ciphertext from app.secrets").fetchall()
    assert {r[2] for r in rows} == {"k2026"}
    mine = {r[1]: ring.decrypt(r[2], r[3], r[0], r[1]) for r in rows if r[0] == company}
    assert mine["meta_capi_token"] == token and mine["mercadopago_access_token"] == "APP_USR-123"
    # a re-wrapped token is not a new token: the paused destination stays paused
    status = conn.execute("select status from delivery.destinations where id = %s", (dest,)).fetchone()[0]
    assert status == "paused"

    again = rotate(monkeypatch, dsn, f"{NEW},{old_spec}")
    assert again.exit_code == 0 and "re-encrypted 0 secret(s)" in again.output


def test_a_row_under_an_unknown_key_fails_the_run_without_printing_secrets(conn, dsn, monkeypatch):
    company, _ = new_tenant(conn, new_pixel(), new_token())
    with psycopg.connect(dsn, autocommit=True) as c:
        c.execute("update app.secrets set key_id = 'lost' where company_id = %s", (company,))
    result = rotate(monkeypatch, dsn, f"{NEW},{load().secret_key}")
    assert result.exit_code == 1
    assert "'lost'" in result.output
