"""Provisioning a company's ingestion keys and secrets (used by setup, the sandbox and tests).

Random public keys are made here; secrets are encrypted here before they reach the database,
and API keys are returned once and stored only as SHA-256.
"""

from __future__ import annotations

import hashlib
import secrets as pysecrets
from dataclasses import dataclass

import psycopg

from core.secrets import Keyring


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class ApiKey:
    id: int
    plaintext: str  # shown once


def create_company(conn: psycopg.Connection, name: str, slug: str) -> str:
    return str(conn.execute("insert into app.companies (name, slug) values (%s, %s) returning id",
                            (name, slug)).fetchone()[0])


def put_secret(conn: psycopg.Connection, keyring: Keyring, company_id: str, kind: str, plaintext: str) -> None:
    key_id, blob = keyring.encrypt(plaintext, company_id, kind)
    conn.execute(
        "insert into app.secrets (company_id, kind, key_id, ciphertext) values (%s, %s, %s, %s)"
        " on conflict (company_id, kind) do update set key_id = excluded.key_id,"
        " ciphertext = excluded.ciphertext, updated_at = app.now()",
        (company_id, kind, key_id, blob),
    )


def add_endpoint(conn: psycopg.Connection, company_id: str, kind: str, token: str | None = None) -> str:
    """A webhook or collector key; a static token is kept only as its SHA-256."""
    public_key = f"{kind[:2]}_{pysecrets.token_urlsafe(18)}"
    conn.execute(
        "insert into tracking.endpoints (company_id, kind, public_key, token_sha256) values (%s, %s, %s, %s)",
        (company_id, kind, public_key, sha256_hex(token) if token else None),
    )
    return public_key


def connect_checkout(conn: psycopg.Connection, keyring: Keyring, company_id: str, gateway: str,
                     credential: str) -> str:
    """A gateway webhook (tracking.gateways) with the credential its platform sends: kept encrypted, and for
    a static token also as its SHA-256, which is what a notification is compared with. Returns the key."""
    auth, secret_kind = conn.execute("select auth, secret_kind from tracking.gateways where gateway = %s",
                                     (gateway,)).fetchone()
    key = add_endpoint(conn, company_id, gateway, credential if auth == "token" else None)
    put_secret(conn, keyring, company_id, secret_kind, credential)
    return key


def add_api_key(conn: psycopg.Connection, company_id: str, name: str = "default") -> ApiKey:
    plaintext = f"tai_{pysecrets.token_urlsafe(32)}"
    row = conn.execute(
        "insert into tracking.api_keys (company_id, name, prefix, key_sha256) values (%s, %s, %s, %s)"
        " returning id", (company_id, name, plaintext[:8], sha256_hex(plaintext))).fetchone()
    return ApiKey(row[0], plaintext)


def allow_origin(conn: psycopg.Connection, company_id: str, origin: str) -> None:
    conn.execute("insert into tracking.allowed_origins (company_id, origin) values (%s, lower(%s))"
                 " on conflict do nothing", (company_id, origin))


def add_destination(conn: psycopg.Connection, keyring: Keyring, company_id: str, pixel_id: str,
                    access_token: str, test_event_code: str | None = None) -> int:
    """The company's Meta pixel and its CAPI token (encrypted); queues events that were waiting."""
    put_secret(conn, keyring, company_id, "meta_capi_token", access_token)
    dest = conn.execute(
        "insert into delivery.destinations (company_id, pixel_id, test_event_code) values (%s, %s, %s)"
        " on conflict (company_id, pixel_id) do update set test_event_code = excluded.test_event_code"
        " returning id", (company_id, pixel_id, test_event_code)).fetchone()[0]
    conn.execute("select tracking.queue_waiting_events(%s)", (company_id,))
    return dest
