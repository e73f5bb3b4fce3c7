"""A Supabase anonymous sign-in (`is_anonymous: true`) is a signed-in user without a proven identity:
it may read what it is a member of, but it may not create a company (setup session) nor act as an admin
(retry dead letters, upload spend, change a setup session, change a company or its members). The API
answers 403 with a message saying so; SQL decides (setup.create_session, app.admin_company,
app.has_company_access read the claim with auth.jwt())."""

from __future__ import annotations

import json
import uuid
from datetime import date

import psycopg
import pytest

from tests.apiutil import api_client
from tests.authutil import JwksServer, bearer, es256_key
from tests.dispatchutil import new_pixel, new_tenant, new_token, new_user


def _fields(name: str) -> dict:
    return {"company_name": name, "pixel_id": new_pixel(), "meta_access_token": new_token(),
            "gateway": "perfectpay", "gateway_secret": "anon-test-perfectpay-token",
            "landing_url": "https://loja.example.com.br/oferta", "tracking_domain": "track.loja.example.com.br",
            "cloudflare_api_token": "cf-anon-test-token-000000000001"}


def _forbidden_for_anonymous(r) -> None:
    assert r.status_code == 403, r.text
    err = r.json()["error"]
    assert err["code"] == "forbidden" and "anonymous sign-in cannot" in err["message"], err


def test_an_anonymous_sign_in_cannot_create_a_company_but_a_permanent_user_can(conn, dsn):
    uid = conn.execute("insert into auth.users (email) values (null) returning id::text").fetchone()[0]
    key = es256_key()
    with JwksServer(key) as jwks, api_client(dsn, supabase_url=jwks.url, supabase_jwt_secret=None) as client:
        name = f"Loja Anonima {uuid.uuid4().hex[:6]}"
        r = client.post("/api/v1/setup/sessions", json=_fields(name),
                        headers=bearer(key.sign(jwks.claims(uid, is_anonymous=True))))
        _forbidden_for_anonymous(r)
        assert conn.execute("select count(*) from app.companies where name = %s", (name,)).fetchone()[0] == 0
        # the same user once signed up (is_anonymous false): the company and its session are created
        r = client.post("/api/v1/setup/sessions", json=_fields(name), headers=bearer(key.sign(jwks.claims(uid))))
        assert r.status_code == 201, r.text
        company, session = r.json()["company_id"], r.json()["session_id"]
        # anonymous again: may read the session of their company, may not change it
        anon = bearer(key.sign(jwks.claims(uid, is_anonymous=True)))
        assert client.get(f"/api/v1/setup/sessions/{session}/status", headers=anon).status_code == 200
        _forbidden_for_anonymous(client.patch(f"/api/v1/setup/sessions/{session}",
                                              json={"test_event_code": "TEST9999"}, headers=anon))
        _forbidden_for_anonymous(client.post(f"/api/v1/setup/sessions/{session}/validate", json={}, headers=anon))
        r = client.post("/api/v1/setup/sessions", json={**_fields(name), "company_name": None, "company_id": company},
                        headers=anon)
        _forbidden_for_anonymous(r)


def test_an_anonymous_admin_cannot_act_as_an_admin_through_the_api(conn, dsn):
    company, _ = new_tenant(conn, new_pixel(), new_token())
    uid = new_user(conn, company, "backoffice_admin")
    key = es256_key()
    with JwksServer(key) as jwks, api_client(dsn, supabase_url=jwks.url, supabase_jwt_secret=None) as client:
        anon = bearer(key.sign(jwks.claims(uid, is_anonymous=True)))
        _forbidden_for_anonymous(client.post("/api/meta/retry-failed", json={}, headers=anon))
        _forbidden_for_anonymous(client.post(
            f"/api/v1/spend/csv?company_id={company}",
            content=f"date,campaign_id,spend\n{date.today():%Y-%m-%d},c1,10.00\n",
            headers={**anon, "content-type": "text/csv"}))
        r = client.post("/api/meta/retry-failed", json={}, headers=bearer(key.sign(jwks.claims(uid))))
        assert r.status_code == 200, "the same member, not anonymous, may"


def test_sql_refuses_an_anonymous_admin_and_lets_it_read(conn):
    company, _ = new_tenant(conn, new_pixel(), new_token())
    uid = new_user(conn, company, "backoffice_admin")
    other = conn.execute("insert into auth.users (email) values (null) returning id::text").fetchone()[0]

    def as_user(anonymous: bool):
        conn.execute("begin")
        conn.execute("select set_config('request.jwt.claims', %s, true), set_config('role', 'authenticated', true)",
                     (json.dumps({"sub": uid, "role": "authenticated", "is_anonymous": anonymous}),))

    as_user(True)
    try:
        assert conn.execute("select app.has_company_access(%s), app.has_company_access(%s, 'marketing_admin')",
                            (company, company)).fetchone() == (True, False)
        assert conn.execute("select count(*) from app.companies where id = %s", (company,)).fetchone()[0] == 1
        assert conn.execute("update app.companies set name = 'Renamed' where id = %s", (company,)).rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="anonymous sign-in cannot"):
            conn.execute("select app.admin_company(%s, 'do this')", (company,))
    finally:
        conn.execute("rollback")
    as_user(True)
    try:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("insert into app.company_members (company_id, user_id, role) values (%s, %s, 'viewer')",
                         (company, other))
    finally:
        conn.execute("rollback")
    as_user(False)
    try:
        assert conn.execute("select app.has_company_access(%s, 'backoffice_admin')", (company,)).fetchone()[0]
        assert conn.execute("select app.admin_company(%s, 'do this')", (company,)).fetchone()[0] == uuid.UUID(company)
    finally:
        conn.execute("rollback")
