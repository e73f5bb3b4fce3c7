"""With SENTRY_DSN pointing at a local fake of Sentry's ingest (fakes/sentry.py, which validates like Relay),
the API starts, and an unhandled error in a route (the API logs it; the SDK sends the log record as an
event) and an error a worker logs both reach the ingest as envelopes it accepts. Nothing that left the
process holds a secret or personal data: not the exception message, the stack frame variables, the
request headers, the query string nor the breadcrumbs; the rest (exception type, component tag, the
SDK's own event id, non-secret variables) is kept."""

from __future__ import annotations

import dataclasses
import json
import logging

import pytest
import sentry_sdk

from core import sentry
from core.settings import load
from fakes.base import serve
from fakes.sentry import SentryFake
from tests.apiutil import api_client

META_TOKEN = "EAAGm0PX4ZCpsBAKZBZAZCx9ZAuE1eZCKxZBlL0ZBm8ZA1rZC2yZBqZCZAuZAZA1ZA"
MP_TOKEN = "APP_USR-1234567890123456-112233-abcdef0123456789abcdef0123456789-987654321"
SLACK_SECRET = "XXXXXXXXXXXXXXXXXXXXXXXX"
WEBHOOK = f"https://hooks.slack.com/services/T0001/B0002/{SLACK_SECRET}"
PP_TOKEN = "5550029d92c8e727464111a087b6d903"
COOKIE = "sb-access-token-4f1d2c"
BASIC = "dXNlcjpwYXNz"
EMAIL = "maria.silva@example.com"
CPF = "52998224725"
PHONE = "983323121"
CLIENT_IP = "203.0.113.77"
PRIVATE = (META_TOKEN, MP_TOKEN, SLACK_SECRET, PP_TOKEN, COOKIE, BASIC, EMAIL, CPF, PHONE, CLIENT_IP)


@pytest.fixture
def ingest():
    """A fake Sentry ingest with one project; afterwards the SDK is shut down (the ingest still up)."""
    fake = SentryFake()
    fake.add_project(4242)
    with serve(fake.app) as server:
        try:
            yield fake, fake.dsn(server.url)
        finally:
            sentry_sdk.get_client().close(timeout=2)
            sentry_sdk.get_global_scope().set_client(None)
            sentry_sdk.get_global_scope().remove_tag("component")


def sent_nothing_private(fake: SentryFake) -> None:
    assert fake.rejections == []
    sent = b"\n".join(e.raw for e in fake.envelopes)  # every decoded body, envelope headers included
    for value in PRIVATE:
        assert value.encode() not in sent, value


def frame(event: dict, function: str) -> dict:
    frames = [f for v in event["exception"]["values"] for f in v["stacktrace"]["frames"]]
    return next(f for f in frames if f["function"] == function)


def test_the_api_starts_with_a_dsn_and_an_unhandled_error_reaches_sentry_scrubbed(dsn, ingest):
    fake, sentry_dsn = ingest
    client = api_client(dsn, run_ingest=False, sentry_dsn=sentry_dsn)

    @client.app.get("/test-sentry/boom")
    async def boom():
        pixel_id = "123456789012345"
        access_token = META_TOKEN
        settings = {"slack_webhook_url": WEBHOOK, "mercadopago": MP_TOKEN}
        customer = {"email": EMAIL, "identification_number": CPF, "phone_number": PHONE}
        raise RuntimeError(f"Meta refused {access_token} for {customer['email']} (pixel {pixel_id}, "
                           f"alerts to {settings['slack_webhook_url']})")

    with client:
        assert sentry_sdk.get_client().is_active()
        assert client.get("/openapi.json").status_code == 200
        r = client.get(f"/test-sentry/boom?token={PP_TOKEN}&page=2",
                       headers={"Authorization": f"Bearer {META_TOKEN}", "Cookie": f"sb-access-token={COOKIE}",
                                "X-Forwarded-For": CLIENT_IP, "X-Request-Id": "req-sentry-123456"})
        assert (r.status_code, r.json()["error"]["code"]) == (500, "internal_error")
    sentry_sdk.flush(timeout=5)

    events = [e for e in fake.wait_for_events(1) if e.get("logger") == "trackai.api"]
    assert len(events) == 1, fake.events()
    event = events[0]
    sent_nothing_private(fake)
    (envelope,) = [e for e in fake.envelopes if any(i.type == "event" for i in e.items)]
    assert envelope.headers["event_id"] == event["event_id"]  # the SDK's id survived the scrubber
    assert event["tags"]["component"] == "api"
    assert event["logentry"]["formatted"] == "unhandled error"
    error = event["exception"]["values"][-1]
    assert error["type"] == "RuntimeError"
    assert error["value"].startswith("Meta refused [redacted] for [redacted] (pixel 123456789012345")
    assert "pixel_id" in frame(event, "boom")["vars"] and "123456789012345" in frame(event, "boom")["vars"]["pixel_id"]
    assert event["request"]["url"].endswith("/test-sentry/boom")
    assert "query_string" not in event["request"]
    headers = {k.lower(): v for k, v in event["request"]["headers"].items()}
    assert headers["x-request-id"] == "req-sentry-123456"
    assert headers["authorization"] == headers["cookie"] == "[redacted]"
    assert "user" not in event


def test_a_worker_error_reaches_sentry_scrubbed(ingest):
    fake, sentry_dsn = ingest
    assert sentry.init(dataclasses.replace(load(), sentry_dsn=sentry_dsn), "worker-dispatch")
    log = logging.getLogger("trackai.jobs.sentry_test")
    sentry_sdk.add_breadcrumb(message=f"POST {WEBHOOK}", data={"authorization": f"Basic {BASIC}"})

    def deliver(destination: dict) -> None:
        access_token = destination["token"]
        raise ConnectionError(f"Meta: invalid OAuth access token {access_token}")

    try:
        deliver({"pixel_id": "123456789012345", "token": META_TOKEN, "user": {"em": EMAIL, "ph": PHONE}})
    except ConnectionError:
        log.exception("delivery to pixel %s failed for %s", "123456789012345", EMAIL)
    sentry_sdk.flush(timeout=5)

    (event,) = [e for e in fake.wait_for_events(1) if e.get("logger") == log.name]
    sent_nothing_private(fake)
    assert event["tags"]["component"] == "worker-dispatch"
    assert event["logentry"]["formatted"] == "delivery to pixel 123456789012345 failed for [redacted]"
    assert event["exception"]["values"][-1]["type"] == "ConnectionError"
    assert frame(event, "deliver")["vars"]["access_token"] == "[redacted]"
    crumbs = [c for c in event["breadcrumbs"]["values"] if c.get("message", "").startswith("POST ")]
    assert crumbs and "hooks.slack.com" not in json.dumps(crumbs)
