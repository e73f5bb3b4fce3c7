"""A notification refused for its credential fails validate_gateway at once (no worker run in between),
with gateway.token_mismatch and a message naming where the credential was looked for: Hotmart's
X-HOTMART-HOTTOK header, Kiwify's ?signature= URL parameter. Correcting the credential re-hashes it on the
endpoint, validate_gateway passes again and the platform's notifications are accepted."""

from __future__ import annotations

import httpx
import pytest

from fakes.checkouts import Checkout
from tests import setuputil
from tests.setuputil import step

HOTTOK = "hottok-the-account-really-has-0001"
KIWIFY_TOKEN = "kiwify-token-the-webhook-really-has"


@pytest.fixture(scope="module")
def w(dsn):
    with setuputil.world(dsn) as world:
        yield world


def session(w, gateway: str, secret: str) -> tuple[str, str, str]:
    token = w.user_token()
    r = w.call("POST", "/sessions", token, json=w.fields(company_name=f"Loja {gateway}", gateway=gateway,
                                                          gateway_secret=secret,
                                                          tracking_domain=f"{gateway}.{setuputil.ZONE}"))
    assert r.status_code == 201, r.text
    sid = r.json()["session_id"]
    w.wait(sid, token, lambda s: step(s, "validate_gateway")["status"] == "succeeded")
    return sid, token, r.json()["webhook_url"].rsplit("/", 1)[1]


def test_a_wrong_hottok_fails_validate_gateway_at_once_and_the_corrected_one_is_rehashed(w):
    sid, token, key = session(w, "hotmart", "hottok-the-lead-typed-wrong-01")
    hotmart = Checkout("hotmart", HOTTOK)  # what Hotmart's account really sends
    with httpx.Client(base_url=w.api, timeout=10) as api:
        refused = hotmart.send(api, key, hotmart.notification("approved", "HP0001"))
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_token"
        gw = step(w.status(sid, token), "validate_gateway")  # at once: read right after the answer
        assert gw["status"] == "failed" and gw["diagnosis"]["code"] == "gateway.token_mismatch"
        assert "x-hotmart-hottok" in gw["last_error"].lower() and "Hotmart" in gw["last_error"]
        assert gw["diagnosis"]["field"] == "gateway_secret" and gw["diagnosis"]["message_en"]
        assert HOTTOK not in gw["last_error"]

        r = w.call("PATCH", f"/sessions/{sid}", token, json={"gateway_secret": HOTTOK})
        assert r.status_code == 200 and "validate_gateway" in r.json()["rerun"], r.text
        w.wait(sid, token, lambda s: step(s, "validate_gateway")["status"] == "succeeded")
        assert hotmart.send(api, key, hotmart.notification("approved", "HP0002")).status_code == 200


def test_a_bad_kiwify_signature_fails_validate_gateway_at_once_naming_the_signature_parameter(w):
    sid, token, key = session(w, "kiwify", "kiwify-token-the-lead-typed-wrong")
    kiwify = Checkout("kiwify", KIWIFY_TOKEN)  # Kiwify signs with the webhook's real token
    with httpx.Client(base_url=w.api, timeout=10) as api:
        refused = kiwify.send(api, key, kiwify.notification("approved", "order-0001"))
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "bad_signature"
        gw = step(w.status(sid, token), "validate_gateway")
        assert gw["status"] == "failed" and gw["diagnosis"]["code"] == "gateway.token_mismatch"
        assert "?signature=" in gw["last_error"] and "Kiwify" in gw["last_error"]

        w.call("PATCH", f"/sessions/{sid}", token, json={"gateway_secret": KIWIFY_TOKEN})
        w.wait(sid, token, lambda s: step(s, "validate_gateway")["status"] == "succeeded")
        assert kiwify.send(api, key, kiwify.notification("approved", "order-0002")).status_code == 200
