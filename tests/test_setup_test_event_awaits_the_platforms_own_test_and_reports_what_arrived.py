"""For a gateway whose test only the platform can send (here Hotmart's Test button), test_event waits,
retrying by itself with a diagnosis saying what to press on that platform, and says what arrived meanwhile
(a notification that makes no event); once the platform's test notification (product id 0) has made a
test event that reached Meta with the session's test code, the step succeeds and reports it."""

from __future__ import annotations

import asyncio
import time

import httpx
import psycopg
import pytest

from fakes.checkouts import Checkout
from jobs import setup_steps
from jobs.providers.errors import ProviderError
from tests import setuputil

HOTTOK = "hottok-platform-test-0123456789"


def run_step(w, sid: str) -> dict:
    """test_event as the setup worker runs it (the step alone: the landing page is not part of this)."""
    with psycopg.connect(w.dsn) as conn:
        session = conn.execute("select to_jsonb(s) - 'created_by' from setup.sessions s where s.id = %s",
                               (sid,)).fetchone()[0]
    ctx = setup_steps.StepContext(w.settings, w.dsn, "test_event", session, {}, lambda kind: None, None, None)
    return asyncio.run(setup_steps.test_event(ctx))


def awaited(w, sid: str, until: str, timeout_s: float = 20) -> ProviderError:
    deadline = time.monotonic() + timeout_s
    while True:
        with pytest.raises(ProviderError) as waiting:
            run_step(w, sid)
        if until in waiting.value.message or time.monotonic() > deadline:
            return waiting.value
        time.sleep(0.2)


def test_the_platforms_test_notification_completes_test_event(dsn):
    with setuputil.world(dsn, setup_worker=False) as w:
        token = w.user_token()
        r = w.call("POST", "/sessions", token, json=w.fields(gateway="hotmart", gateway_secret=HOTTOK))
        assert r.status_code == 201, r.text
        sid, key = r.json()["session_id"], r.json()["webhook_url"].rsplit("/", 1)[1]

        nothing = awaited(w, sid, "yet")
        assert nothing.code == "test_event.awaiting_hotmart"
        assert nothing.message == "no Hotmart notification has reached this webhook yet"
        with psycopg.connect(w.dsn) as conn:
            retries, action = conn.execute("select retries, next_action from setup.diagnosis_rules"
                                           " where code = 'test_event.awaiting_hotmart'").fetchone()
        assert retries and "Hotmart" in action and "teste" in action

        hotmart = Checkout("hotmart", HOTTOK)
        with httpx.Client(base_url=w.api, timeout=10) as api:
            assert hotmart.send(api, key, hotmart.notification("abandoned", "HPCART1")).status_code == 200
            cart = awaited(w, sid, "makes no event")
            assert cart.code == "test_event.awaiting_hotmart" and "Hotmart notification" in cart.message
            assert "abandoned_cart" in cart.message

            # Hotmart's Test button: a sample purchase of product id 0
            assert hotmart.send(api, key, hotmart.notification("approved", "HP16015479281022", test=True)
                                ).status_code == 200
        deadline = time.monotonic() + 30
        while True:
            try:
                result = run_step(w, sid)
                break
            except ProviderError as exc:
                assert exc.code in ("test_event.awaiting_hotmart", "test_event.not_delivered"), exc
                assert time.monotonic() < deadline, exc.message
                time.sleep(0.2)
        [sent] = w.meta.accepted_events()
        assert sent.event_id == result["event_id"] and sent.test_event_code == "TEST4242"
        assert result["fbtrace_id"] == sent.fbtrace_id and result["test_event_code"] == "TEST4242"
        assert result["event_name"] == "Purchase" and "test" in result["notification"]["flags"]
