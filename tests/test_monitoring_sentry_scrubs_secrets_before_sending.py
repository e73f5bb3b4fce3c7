"""Sentry starts only when SENTRY_DSN is set, and its before_send hook strips every secret from an event:
Authorization and cookie headers, token-named fields, Meta / Mercado Pago tokens and bearer values in
any text, access_token in URLs, Slack webhook URLs, and personal data (customer fields, client IPs,
email addresses); the rest of the event is kept, the SDK's own event and trace ids included. The SDK
(3.x) is told to collect no personal data and to trace nothing."""

from __future__ import annotations

import dataclasses
import json

import sentry_sdk

from core import sentry
from core.settings import load

META_TOKEN = "EAAGm0PX4ZCpsBAKZBZAZCx9ZAuE1eZCKxZBlL0ZBm8ZA1rZC2yZBqZCZAuZAZA1ZA"
MP_TOKEN = "APP_USR-1234567890123456-112233-abcdef0123456789abcdef0123456789-987654321"
WEBHOOK = "https://hooks.slack.com/services/T0001/B0002/XXXXXXXXXXXXXXXXXXXXXXXX"
EVENT_ID = "9ec79c33ec9942ab8353589fcb2e04dc"
TRACE_ID = "771a43a4192642f0b136d5159a501700"


def event() -> dict:
    return {
        "event_id": EVENT_ID,
        "contexts": {"trace": {"trace_id": TRACE_ID, "span_id": "b7ad6b7169203331"}},
        "message": f"Meta refused {META_TOKEN} while posting for maria@example.com",
        "request": {
            "url": f"https://graph.facebook.com/v24.0/123/events?access_token={META_TOKEN}&x=1",
            "headers": {"Authorization": f"Bearer {META_TOKEN}", "Content-Type": "application/json",
                        "Cookie": "sb-access-token=abc", "X-Request-Id": "req-123456789"},
            "data": {"token": "5550029d92c8e727464111a087b6d903", "code": "PPCPMTB5H3745O",
                     "customer": {"email": "Maria.Silva@Example.com", "identification_number": "52998224725"}},
            "env": {"REMOTE_ADDR": "203.0.113.77"},
        },
        "extra": {"settings": {"slack_webhook_url": WEBHOOK, "mercadopago": MP_TOKEN}, "note": f"see {WEBHOOK}"},
        "exception": {"values": [{"type": "SecretError", "value": f"bad key for {MP_TOKEN}",
                                  "stacktrace": {"frames": [{"vars": {"access_token": META_TOKEN,
                                                                      "pixel_id": "123456789012345"}}]}}]},
        "breadcrumbs": {"values": [{"message": f"POST {WEBHOOK}", "data": {"authorization": "Basic dXNlcjpwYXNz"}}]},
    }


def test_before_send_removes_every_secret_and_keeps_the_rest():
    out = sentry.before_send(event(), {})
    text = json.dumps(out)
    for secret in (META_TOKEN, MP_TOKEN, "XXXXXXXXXXXXXXXXXXXXXXXX", "sb-access-token", "dXNlcjpwYXNz",
                   "5550029d92c8e727464111a087b6d903", "Maria.Silva@Example.com", "maria@example.com",
                   "52998224725", "203.0.113.77"):
        assert secret not in text, secret
    assert out["event_id"] == EVENT_ID and out["contexts"]["trace"]["trace_id"] == TRACE_ID
    assert out["request"]["headers"]["Authorization"] == "[redacted]"
    assert out["request"]["headers"]["X-Request-Id"] == "req-123456789"
    assert out["request"]["data"]["code"] == "PPCPMTB5H3745O"
    assert "access_token=[redacted]" in out["request"]["url"] and out["request"]["url"].endswith("&x=1")
    assert out["exception"]["values"][0]["stacktrace"]["frames"][0]["vars"]["pixel_id"] == "123456789012345"
    assert out["message"].startswith("Meta refused [redacted]")


def test_sentry_starts_only_with_a_dsn_and_uses_the_scrubber():
    settings = load()
    assert sentry.init(dataclasses.replace(settings, sentry_dsn=None), "test") is False
    try:
        assert sentry.init(dataclasses.replace(settings, sentry_dsn="https://public@127.0.0.1:9/1"), "test")
        options = sentry_sdk.get_client().options
        assert options["before_send"] is sentry.before_send
        assert options["before_breadcrumb"] is sentry.before_breadcrumb
        assert options["before_send_log"] is options["before_send_span"] is sentry.before_send_telemetry
        collected = options["data_collection"]  # sentry-sdk 3: what send_default_pii=False used to mean
        assert collected["user_info"] is False and collected["http_bodies"] == []
        assert collected["cookies"]["mode"] == collected["url_query_params"]["mode"] == "off"
        assert options["traces_sample_rate"] is None and options["trace_propagation_targets"] == []
        assert sentry_sdk.get_client().get_integration("logging") is not None  # log.exception -> an event
        assert META_TOKEN not in json.dumps(options["before_send"]({"message": META_TOKEN}, {}))
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.get_global_scope().set_client(None)
        sentry_sdk.get_global_scope().remove_tag("component")
