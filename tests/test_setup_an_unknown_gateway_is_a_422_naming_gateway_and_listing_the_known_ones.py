"""A setup session for a gateway that is not a row of tracking.gateways is refused before anything is
written: 422 in the error shape, naming `gateway` and listing every gateway Track AI knows."""

from __future__ import annotations

import pytest

from service.auth import sign
from tests.apiutil import api_client

SECRET = "setup-gateway-tests-jwt-secret-with-32-characters"
BODY = {"company_name": "Loja Nova", "pixel_id": "123456789012345", "meta_access_token": "EAAgoodtoken000000000000",
        "gateway": "pagseguro", "gateway_secret": "a-gateway-secret-0001", "landing_url": "https://nova.example.com/",
        "tracking_domain": "track.nova.example.com", "cloudflare_api_token": "cf-token-0000000000000001"}


@pytest.fixture(scope="module")
def client(dsn):
    with api_client(dsn, supabase_jwt_secret=SECRET) as c:
        yield c


def test_an_unknown_gateway_is_refused_listing_the_known_ones(client, conn):
    uid = conn.execute("select tests.create_user('nova')").fetchone()[0]
    token = sign({"sub": str(uid), "role": "authenticated", "exp": 4_000_000_000}, SECRET)
    before = conn.execute("select count(*) from app.companies").fetchone()[0]
    r = client.post("/api/v1/setup/sessions", json=BODY, headers={"authorization": f"Bearer {token}"})
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "invalid_fields" and err["request_id"]
    assert [f["field"] for f in err["fields"]] == ["gateway"]
    known = [g for (g,) in conn.execute("select gateway from tracking.gateways order by gateway")]
    assert all(g in err["fields"][0]["problem"] for g in known) and "pagseguro" in err["message"]
    assert "a-gateway-secret-0001" not in r.text and "EAAgoodtoken" not in r.text
    assert conn.execute("select count(*) from app.companies").fetchone()[0] == before
