"""The gateway webhooks (Perfect Pay, Mercado Pago and every other checkout) take the hot path
(service/hot_routes.py): their endpoint is called without FastAPI's routing and dependency machinery,
and still answers with the same shapes and request id."""

from __future__ import annotations

import json

from fastapi.routing import APIRoute

from tests.apiutil import api_client, make_tenant, postback


def test_the_perfectpay_webhook_does_not_go_through_fastapi_routing(dsn, monkeypatch):
    tenant = make_tenant(dsn)

    async def no_routing(self, scope, receive, send):
        raise AssertionError(f"{self.path} went through FastAPI's routing")

    monkeypatch.setattr(APIRoute, "handle", no_routing)
    url = f"/webhooks/perfectpay/{tenant.perfectpay_key}"
    with api_client(dsn, run_ingest=False) as client:
        ok = client.post(url, content=json.dumps(postback(code="HOT-1")),
                         headers={"content-type": "application/json", "x-request-id": "hot-path-1"})
        refused = client.post(url, content=json.dumps(postback(code="HOT-2", token="wrong")),
                              headers={"content-type": "application/json"})
        malformed = client.post(url, content="{", headers={"content-type": "application/json"})
        mercadopago = client.post(f"/webhooks/mercadopago/{tenant.mercadopago_key}", content="{}",
                                  headers={"content-type": "application/json"})
        other_route = client.post("/api/v1/conversions", content="{}", headers={"content-type": "application/json"})
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"
    assert ok.headers["x-request-id"] == "hot-path-1"
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_token"
    assert malformed.status_code == 400 and malformed.json()["error"]["code"] == "malformed_json"
    assert malformed.json()["error"]["request_id"] == malformed.headers["x-request-id"]
    assert mercadopago.status_code == 401 and mercadopago.json()["error"]["code"] == "bad_signature"
    assert other_route.status_code == 500  # the patch holds for every other route
