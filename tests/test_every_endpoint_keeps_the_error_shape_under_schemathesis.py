"""schemathesis against the app's own OpenAPI document (issue 9, bad input): for every operation,
positive and negative cases generated from the schema, sent through ASGI to the app with its lifespan
(the connection pool) running against this module's database. Half the cases carry valid credentials
(API key, endpoint keys, Perfect Pay token, a Mercado Pago signature, the admin's JWT) to reach the
code behind authentication. Checked: never a 5xx, and every 4xx/5xx answer has the error shape
{"error": {"code", "message", "request_id"}} with request_id equal to X-Request-Id."""

from __future__ import annotations

import json
import time
import uuid

import psycopg
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.python import asgi

from core.settings import load
from fakes import mercadopago as mp
from fakes import whatsapp as wa
from service.app import create_app
from service.auth import sign
from tests.apiutil import PP_TOKEN, WA_APP_SECRET, WA_VERIFY_TOKEN, make_tenant, settings_for
from tests.dispatchutil import new_user

# schemathesis' own generators touch `random` (a deprecation notice from Hypothesis, not about this test)
pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")

JWT_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long"
MP_SECRET = "mp-webhook-secret"
MAX_EXAMPLES = 30
# /health answers 503 with its own body (the parts that are down) by design; the test database has no pg_cron
OWN_SHAPE = {("GET", "/health"), ("GET", "/metrics")}


def _operations() -> list[tuple[str, str]]:
    spec = create_app(load()).openapi()  # the document needs no database
    return [(method.upper(), path) for path, item in spec["paths"].items() for method in item
            if method in ("get", "post", "put", "patch", "delete")]


@pytest.fixture(scope="module")
def world(dsn):
    tenant = make_tenant(dsn)
    with psycopg.connect(dsn, autocommit=True) as conn:
        admin = new_user(conn, tenant.company_id, "marketing_admin")
    app = create_app(settings_for(dsn, supabase_jwt_secret=JWT_SECRET, whatsapp_app_secret=WA_APP_SECRET,
                                  whatsapp_verify_token=WA_VERIFY_TOKEN))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)  # starts the lifespan (pool) too
    try:
        yield tenant, admin, schema
    finally:
        asgi.shutdown_lifespans()  # closes the pool before the module's database is dropped


def _credentials(case, tenant, admin) -> dict:
    """Valid credentials for this case's operation: headers to add (and path/query/body adjusted in place)."""
    path, headers = case.operation.path, {}
    if case.path_parameters and "endpoint_key" in case.path_parameters:
        case.path_parameters["endpoint_key"] = (tenant.perfectpay_key if "perfectpay" in path
                                                else tenant.mercadopago_key)
    if path == "/collect":
        case.query = {**(case.query or {}), "key": tenant.collector_key}
        headers["origin"] = "https://loja.example.com.br"
    if path.startswith("/api/") and path != "/api/meta/retry-failed":
        headers["x-api-key"] = tenant.api_key
    if path == "/api/meta/retry-failed":
        token = sign({"sub": admin, "role": "authenticated", "exp": int(time.time()) + 600}, JWT_SECRET)
        headers["authorization"] = f"Bearer {token}"
    if "perfectpay" in path and isinstance(case.body, dict):
        case.body["token"] = PP_TOKEN
    if "mercadopago" in path:
        data = case.body.get("data") if isinstance(case.body, dict) else None
        if isinstance(data, dict) and data.get("id") in (None, ""):
            data["id"] = "123456789"  # otherwise nearly every generated body stops at "needs data.id"
        data_id = str(data.get("id")) if isinstance(data, dict) and data.get("id") is not None else "1"
        case.query = {**(case.query or {}), "data.id": data_id}
        rid = str(uuid.uuid4())
        ts = int(time.time() * 1000)
        headers["x-request-id"] = rid
        headers["x-signature"] = f"ts={ts},v1={mp.signature_v1(MP_SECRET, data_id, rid, ts)}"
    if path == "/webhooks/whatsapp" and case.method.upper() == "POST" and case.body is not None:
        # signed over the exact bytes sent
        raw = case.body if isinstance(case.body, bytes) else json.dumps(case.body, default=str).encode()
        case.body = None
        headers["content-type"] = "application/json"
        headers["x-hub-signature-256"] = wa.sign(raw, WA_APP_SECRET)
        return {"headers": headers, "content": raw}
    if path == "/webhooks/whatsapp" and case.method.upper() == "GET":
        case.query = {**(case.query or {}), "hub.mode": "subscribe", "hub.verify_token": WA_VERIFY_TOKEN}
    return {"headers": headers}


def _check(case, response) -> None:
    label = f"{case.method.upper()} {case.operation.path}"
    if (case.method.upper(), case.operation.path) in OWN_SHAPE:
        assert response.status_code in (200, 503), (label, response.status_code)
        return
    assert response.status_code < 500, (label, response.status_code, response.text[:500])
    if response.status_code >= 400:
        try:
            body = json.loads(response.text)
        except ValueError:
            pytest.fail(f"{label}: {response.status_code} is not JSON: {response.text[:300]!r}")
        assert isinstance(body, dict) and set(body) == {"error"}, (label, body)
        err = body["error"]
        assert isinstance(err.get("code"), str) and err["code"], (label, body)
        assert isinstance(err.get("message"), str) and err["message"], (label, body)
        rid = response.headers.get("x-request-id")
        rid = rid[0] if isinstance(rid, list) else rid
        assert err.get("request_id") == rid, (label, err, rid)


@pytest.mark.parametrize(("method", "path"), _operations(), ids=lambda v: v)
def test_no_5xx_and_the_error_shape_on_every_operation(world, method, path):
    tenant, admin, schema = world
    operation = schema[path][method]
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                      operation.as_strategy(GenerationMode.NEGATIVE))

    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=cases, authenticated=st.booleans())
    def run(case, authenticated):
        kwargs = _credentials(case, tenant, admin) if authenticated else {}
        if "content" in kwargs:
            # a body signed over its bytes: sent as those bytes
            response = case.call(headers=kwargs["headers"], data=kwargs["content"])
        else:
            response = case.call(**kwargs)
        _check(case, response)

    run()
