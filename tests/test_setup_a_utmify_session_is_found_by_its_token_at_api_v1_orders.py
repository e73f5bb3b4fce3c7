"""A session for the Utmify orders format: the seller chooses the x-api-token (16 characters at least),
the webhook URL shown is /api/v1/orders (no key in it), and orders posted there with that token reach the
company, found by the token's digest alone. Another company cannot take the same token (a 422 naming
gateway_secret, not a session conflict); a correction re-hashes it."""

from __future__ import annotations

import psycopg
import pytest

from fakes.checkouts import Checkout
from service.auth import sign
from tests.apiutil import api_client

SECRET = "setup-utmify-tests-jwt-secret-with-32-characters"
TOKEN = "utmify-orders-token-chosen-by-seller"
FIELDS = {"pixel_id": "123456789012345", "meta_access_token": "EAAgoodtoken000000000000", "gateway": "utmify",
          "landing_url": "https://loja.example.com/oferta", "cloudflare_api_token": "cf-token-0000000000000001"}


@pytest.fixture(scope="module")
def client(dsn):
    with api_client(dsn, supabase_jwt_secret=SECRET, public_url="https://api.trackai.com.br") as c:
        yield c


def user(conn, name: str) -> dict:
    uid = conn.execute("select tests.create_user(%s)", (name,)).fetchone()[0]
    return {"authorization": f"Bearer {sign({'sub': str(uid), 'role': 'authenticated', 'exp': 4_000_000_000}, SECRET)}"}


def create(client, headers, name: str, token: str):
    return client.post("/api/v1/setup/sessions", headers=headers, json={
        **FIELDS, "company_name": name, "gateway_secret": token,
        "tracking_domain": f"track.{name.lower()}.example.com"})


def test_orders_reach_the_company_by_its_token(client, conn):
    owner = user(conn, "utmify-owner")
    short = create(client, owner, "Curta", "only-15-chars-x")
    assert short.status_code == 422 and "gateway_secret" in short.text and "16" in short.text

    created = create(client, owner, "Pedidos", TOKEN)
    assert created.status_code == 201, created.text
    assert created.json()["webhook_url"] == "https://api.trackai.com.br/api/v1/orders"
    assert TOKEN not in created.text
    company = created.json()["company_id"]

    utmify = Checkout("utmify", TOKEN)
    r = utmify.send(client, "", utmify.notification("approved", "order-utmify-1"))
    assert r.status_code == 200, r.text
    assert conn.execute("select company_id::text from tracking.inbound where id = %s",
                        (r.json()["inbound_id"],)).fetchone()[0] == company

    taken = create(client, user(conn, "utmify-other"), "Outra", TOKEN)
    assert taken.status_code == 422 and taken.json()["error"]["code"] == "invalid_fields", taken.text
    assert "gateway_secret" in taken.text and TOKEN not in taken.text

    sid = created.json()["session_id"]
    fixed = client.patch(f"/api/v1/setup/sessions/{sid}", headers=owner, json={"gateway_secret": TOKEN + "-new"})
    assert fixed.status_code == 200 and "validate_gateway" in fixed.json()["rerun"], fixed.text
    assert Checkout("utmify", TOKEN).send(client, "", utmify.notification("approved", "order-2")).status_code == 401
    assert Checkout("utmify", TOKEN + "-new").send(client, "", utmify.notification("approved", "order-3")
                                                   ).status_code == 200
    with psycopg.connect(client.app.state.settings.dsn) as c:
        kinds = [k for (k,) in c.execute("select kind from app.secrets where company_id = %s order by kind",
                                         (company,))]
    assert kinds == ["cloudflare_api_token", "meta_capi_token", "utmify_api_token"]
