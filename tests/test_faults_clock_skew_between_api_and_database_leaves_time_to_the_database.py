"""The API's clock off by ten minutes (either way) from the database's: event times, deduplication and
Mercado Pago's signature replay window are still decided by the database's clock."""

from __future__ import annotations

import time
import uuid

import pytest

from fakes.mercadopago import signed_notification
from fakes.perfectpay import approved_now
from tests.apiutil import ORIGIN, api_client, make_tenant, postback
from tests.dispatchutil import UA

pytestmark = pytest.mark.faults

SKEW_S = 600
MP_SECRET = "mp-webhook-secret"  # as make_tenant stores it


@pytest.mark.parametrize("skew", [SKEW_S, -SKEW_S], ids=["api_ahead", "api_behind"])
def test_the_database_clock_decides_whatever_the_api_clock_says(dsn, conn, monkeypatch, skew):
    tenant = make_tenant(dsn)
    real = time.time
    with api_client(dsn) as client:
        monkeypatch.setattr(time, "time", lambda: real() + skew)
        db_now = float(conn.execute("select extract(epoch from now())").fetchone()[0])

        browser_id = f"pv-{uuid.uuid4().hex}"
        r = client.post("/collect", params={"key": tenant.collector_key},
                        headers={"Origin": ORIGIN, "User-Agent": UA},
                        json={"event_name": "PageView", "event_id": browser_id,
                              "visitor_id": f"v-{uuid.uuid4().hex[:12]}", "url": f"{ORIGIN}/oferta"})
        assert r.status_code == 202, r.text
        event_time, received = conn.execute(
            "select extract(epoch from event_time), extract(epoch from received_at) from tracking.events"
            " where event_id = %s", (browser_id,)).fetchone()
        assert abs(float(event_time) - db_now) < 30 and abs(float(received) - db_now) < 30

        # the same postback twice: one event, whatever the API's clock
        sale = postback(code=f"SKEW-{uuid.uuid4().hex[:8]}", date_approved=approved_now())
        first = client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=sale)
        again = client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=sale)
        assert first.status_code == again.status_code == 200
        assert first.json()["event_id"] == again.json()["event_id"]
        received = conn.execute("select extract(epoch from received_at) from tracking.events where event_id = %s",
                                (first.json()["event_id"],)).fetchone()[0]
        assert abs(float(received) - db_now) < 30

        # Mercado Pago's replay window: a notification signed now (the database's now) is fresh; one signed
        # at the API's skewed now is not
        mp = f"/webhooks/mercadopago/{tenant.mercadopago_key}"
        query, headers, body = signed_notification(1_320_000_001, MP_SECRET, ts=int(real() * 1000))
        fresh = client.post(mp, params=query, headers=headers, json=body)
        assert fresh.status_code == 200, fresh.text
        query, headers, body = signed_notification(1_320_000_002, MP_SECRET, ts=int((real() + skew) * 1000))
        skewed = client.post(mp, params=query, headers=headers, json=body)
        assert skewed.status_code == 401 and skewed.json()["error"]["code"] == "stale_signature", skewed.text
