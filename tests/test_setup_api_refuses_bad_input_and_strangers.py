"""The setup API: a signed-in user only, clear 4xx errors in the one shape for bad fields, another
company's session invisible, one session per company, and nothing half-written on a refusal."""

from __future__ import annotations

import psycopg
import pytest
from fastapi.testclient import TestClient

from service.auth import sign
from tests.apiutil import api_client

SECRET = "setup-api-tests-jwt-secret-with-32-characters-at-least"
GOOD = {"company_name": "Clínica Sorriso", "pixel_id": "123456789012345",
        "meta_access_token": "EAAgoodtoken000000000000", "gateway": "perfectpay",
        "gateway_secret": "pp-token-0001", "landing_url": "https://sorriso.example.com/agendar",
        "tracking_domain": "track.sorriso.example.com", "cloudflare_api_token": "cf-token-0000000000000001"}


def user(conn, name: str) -> str:
    uid = conn.execute("select tests.create_user(%s)", (name,)).fetchone()[0]
    return sign({"sub": str(uid), "role": "authenticated", "exp": 4_000_000_000}, SECRET)


@pytest.fixture(scope="module")
def client(dsn):
    with api_client(dsn, supabase_jwt_secret=SECRET) as c:
        yield c


def post(client: TestClient, token: str | None, body: dict):
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return client.post("/api/v1/setup/sessions", json=body, headers=headers)


@pytest.mark.parametrize(("change", "field"), [
    ({"pixel_id": "12345"}, "pixel_id"),
    ({"gateway": "pagseguro"}, "gateway"),  # not a row of tracking.gateways
    ({"landing_url": "ftp://x.example.com/"}, "landing_url"),
    ({"tracking_domain": "localhost"}, "tracking_domain"),
    ({"test_event_code": "no spaces!"}, "test_event_code"),
    ({"meta_access_token": "short"}, "meta_access_token"),
    ({"company_name": None}, None),
    ({"gateway": "mercadopago"}, None),  # Mercado Pago needs its access token too
    ({"unknown": 1}, "unknown"),
])
def test_bad_fields_are_422_in_the_error_shape_and_write_nothing(client, conn, change, field):
    body = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    before = conn.execute("select count(*) from app.companies").fetchone()[0]
    r = post(client, user(conn, f"bad-{len(str(change))}-{field}"), body)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] and err["message"] and err["request_id"]
    if field:
        assert field in r.text
    assert "EAAgoodtoken" not in r.text and "cf-token" not in r.text
    assert conn.execute("select count(*) from app.companies").fetchone()[0] == before


def test_no_token_is_401(client):
    r = post(client, None, GOOD)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"


def test_a_stranger_cannot_see_or_change_a_session_and_a_company_gets_one_session(client, conn):
    owner, stranger = user(conn, "owner"), user(conn, "stranger")
    created = post(client, owner, GOOD)
    assert created.status_code == 201, created.text
    sid, company = created.json()["session_id"], created.json()["company_id"]
    assert not {"meta_access_token", "gateway_secret", "cloudflare_api_token"} & set(created.json())
    for method, path in (("GET", f"/api/v1/setup/sessions/{sid}/status"),
                         ("POST", f"/api/v1/setup/sessions/{sid}/validate"),
                         ("GET", f"/api/v1/setup/sessions/{sid}/snippet")):
        r = client.request(method, path, headers={"authorization": f"Bearer {stranger}"})
        assert r.status_code == 404, (path, r.text)
    r = client.patch(f"/api/v1/setup/sessions/{sid}", json={"pixel_id": "999999999999999"},
                     headers={"authorization": f"Bearer {stranger}"})
    assert r.status_code == 404
    # the stranger cannot open a session for the owner's company either
    r = post(client, stranger, {**{k: v for k, v in GOOD.items() if k != "company_name"}, "company_id": company})
    assert r.status_code == 403
    again = post(client, owner, {**{k: v for k, v in GOOD.items() if k != "company_name"}, "company_id": company})
    assert again.status_code == 409 and again.json()["error"]["code"] == "session_exists"
    r = client.patch(f"/api/v1/setup/sessions/{sid}", json={}, headers={"authorization": f"Bearer {owner}"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "nothing_to_correct"
    r = client.get(f"/api/v1/setup/sessions/{sid}/snippet", headers={"authorization": f"Bearer {owner}"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "snippet_not_ready"
    with psycopg.connect(client.app.state.settings.dsn) as c:
        kinds = [k for (k,) in c.execute("select kind from app.secrets where company_id = %s order by kind",
                                         (company,))]
    assert kinds == ["cloudflare_api_token", "meta_capi_token", "perfectpay_token"]
