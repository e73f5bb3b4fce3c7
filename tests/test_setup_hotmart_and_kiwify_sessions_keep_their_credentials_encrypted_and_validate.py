"""A Hotmart session and a Kiwify session are created through the setup API with the credential each
platform shows (hottok, webhook token): it is stored encrypted under the gateway's secret kind, never shown
in a response or a log; Hotmart's endpoint keeps its digest (a notification's hottok is compared with it),
Kiwify's none (the API checks the signature with the decrypted token); validate_gateway passes, the
webhook URL shown is the gateway's, and so are the webhook instructions rendered for the session."""

from __future__ import annotations

import hashlib
import logging

import psycopg
import pytest

from core.secrets import Keyring
from tests import setuputil
from tests.setuputil import step

CREDENTIALS = {"hotmart": ("hotmart_hottok", "hottok-setup-0123456789abcdef"),
               "kiwify": ("kiwify_token", "kiwify-setup-webhook-token-01")}


@pytest.fixture(scope="module")
def w(dsn):
    with setuputil.world(dsn) as world:
        yield world


@pytest.mark.parametrize("gateway", sorted(CREDENTIALS))
def test_the_credential_is_kept_encrypted_and_validate_gateway_passes(w, gateway, caplog):
    kind, secret = CREDENTIALS[gateway]
    caplog.set_level(logging.DEBUG)
    token = w.user_token()
    created = w.call("POST", "/sessions", token, json=w.fields(
        company_name=f"Loja {gateway}", gateway=gateway, gateway_secret=secret,
        tracking_domain=f"{gateway}.{setuputil.ZONE}"))
    assert created.status_code == 201, created.text
    sid, company = created.json()["session_id"], created.json()["company_id"]
    key = created.json()["webhook_url"].rsplit("/", 1)[1]
    assert created.json()["webhook_url"] == f"{w.api}/webhooks/{gateway}/{key}"

    report = w.wait(sid, token, lambda s: step(s, "validate_gateway")["status"] == "succeeded")
    assert step(report, "validate_gateway")["result"] == {"gateway": gateway}
    assert report["webhook_url"] == created.json()["webhook_url"]

    with psycopg.connect(w.dsn) as conn:
        key_id, ciphertext = conn.execute("select key_id, ciphertext from app.secrets where company_id = %s"
                                          " and kind = %s", (company, kind)).fetchone()
        digest = conn.execute("select token_sha256 from tracking.endpoints where public_key = %s", (key,)).fetchone()[0]
    assert secret.encode() not in bytes(ciphertext)
    assert Keyring.parse(w.settings.secret_key).decrypt(key_id, bytes(ciphertext), company, kind) == secret
    assert digest == (hashlib.sha256(secret.encode()).hexdigest() if gateway == "hotmart" else None)

    # the lead is shown the platform's own instructions, with this session's webhook URL
    w.wait(sid, token, lambda s: step(s, "render_snippet")["status"] == "succeeded")
    snippet = w.call("GET", f"/sessions/{sid}/snippet", token)
    instructions = snippet.json()["webhook_instructions"]
    assert created.json()["webhook_url"] in instructions and "## English" in instructions
    assert {"hotmart": "X-HOTMART-HOTTOK", "kiwify": "?signature="}[gateway] in instructions

    shown = created.text + snippet.text + w.call("GET", f"/sessions/{sid}/status", token).text
    logged = "\n".join(r.getMessage() + str(r.__dict__) for r in caplog.records)
    assert caplog.records and secret not in shown and secret not in logged
