"""GET /webhooks/whatsapp answers Meta's subscribe handshake (gateways.md §3.1): hub.challenge echoed as
text/plain when hub.mode is subscribe and hub.verify_token is the app's WHATSAPP_VERIFY_TOKEN; anything
else is a 403 in the error shape, logged as a rejected request."""

from __future__ import annotations

import pytest

from fakes.whatsapp import WhatsAppFake
from tests.apiutil import WA_APP_SECRET, WA_VERIFY_TOKEN, api_client, whatsapp_client


@pytest.fixture(scope="module")
def client(dsn):
    with whatsapp_client(dsn) as c:
        yield c


def test_our_token_gets_the_challenge_back_as_plain_text(client):
    r = WhatsAppFake("/webhooks/whatsapp", WA_APP_SECRET, client=client).verify(WA_VERIFY_TOKEN, "1158201444")
    assert r.status_code == 200
    assert r.text == "1158201444"
    assert r.headers["content-type"].startswith("text/plain")


CHALLENGE = "challenge-7731"


@pytest.mark.parametrize(
    "params",
    [{"hub.mode": "subscribe", "hub.verify_token": "someone-elses", "hub.challenge": CHALLENGE},
     {"hub.mode": "unsubscribe", "hub.verify_token": WA_VERIFY_TOKEN, "hub.challenge": CHALLENGE},
     {"hub.mode": "subscribe", "hub.challenge": CHALLENGE},
     {"hub.mode": "subscribe", "hub.verify_token": WA_VERIFY_TOKEN, "hub.challenge": "<script>"}],
    ids=["wrong-token", "wrong-mode", "no-token", "malformed-challenge"],
)
def test_anything_else_is_a_403_in_the_error_shape_and_logged(client, conn, params):
    r = client.get("/webhooks/whatsapp", params=params)
    assert r.status_code == 403
    err = r.json()["error"]
    assert err["code"] == "verification_failed" and err["message"] and err["request_id"]
    assert CHALLENGE not in r.text and "<script>" not in r.text  # the challenge is never echoed
    row = conn.execute("select source, http_status, error_code from tracking.rejected_requests"
                       " where request_id = %s", (err["request_id"],)).fetchone()
    assert row == ("whatsapp", 403, "verification_failed")


def test_without_a_configured_token_nothing_verifies(dsn):
    with api_client(dsn, whatsapp_verify_token=None) as c:
        r = c.get("/webhooks/whatsapp", params={"hub.mode": "subscribe", "hub.verify_token": "",
                                                "hub.challenge": "challenge-7731"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "whatsapp_not_configured"
