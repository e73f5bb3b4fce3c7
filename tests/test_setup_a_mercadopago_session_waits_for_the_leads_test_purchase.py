"""A Mercado Pago session: the gateway's access token is checked against Mercado Pago, and since a
payment cannot be invented, test_event waits (retrying by itself, saying so) for the lead's own test
purchase; once its notification is fetched and the sale reaches Meta with the test code, the session
shows event_received."""

from __future__ import annotations

import psycopg

from fakes.mercadopago import send_notification
from tests import setuputil
from tests.setuputil import step


def test_the_test_purchase_completes_the_journey(dsn):
    with psycopg.connect(dsn, autocommit=True) as conn:  # retry quickly in the test
        conn.execute("update setup.diagnosis_rules set backoff_s = 1 where code = 'test_event.awaiting_purchase'")
    with setuputil.world(dsn) as w:
        token = w.user_token()
        r = w.call("POST", "/sessions", token, json=w.fields(
            gateway="mercadopago", gateway_secret=setuputil.MP_SECRET, gateway_access_token="APP_USR-wrong-token"))
        sid, webhook = r.json()["session_id"], r.json()["webhook_url"]
        bad = w.wait(sid, token, lambda s: (step(s, "validate_gateway")["diagnosis"] or {}).get("code")
                     == "gateway.credentials_invalid")
        assert step(bad, "validate_gateway")["diagnosis"]["field"] == "gateway_access_token"
        w.call("PATCH", f"/sessions/{sid}", token, json={"gateway_access_token": setuputil.MP_TOKEN})
        w.wait(sid, token, lambda s: step(s, "render_snippet")["status"] == "succeeded")
        w.install_snippet(sid, token)
        w.call("POST", f"/sessions/{sid}/validate", token)
        waiting = w.wait(sid, token, lambda s: (step(s, "test_event")["diagnosis"] or {}).get("code")
                         == "test_event.awaiting_purchase")
        assert waiting["status"] == "awaiting_event"
        assert step(waiting, "test_event")["diagnosis"]["retries_by_itself"]

        payment = w.mp.add_payment(status="approved", transaction_amount=49.9, external_reference="teste-1",
                                   payer={"email": "lead.teste@example.com"})
        assert send_notification(webhook, payment["id"], setuputil.MP_SECRET).status_code == 200
        done = w.wait(sid, token, lambda s: s["status"] == "event_received")
        result = step(done, "test_event")["result"]
        [sent] = w.meta.accepted_events()
        assert sent.event_id == result["event_id"] and sent.test_event_code == "TEST4242"
        assert result["fbtrace_id"] == sent.fbtrace_id
