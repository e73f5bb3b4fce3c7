"""Supabase Auth signs user tokens with asymmetric keys published as a JWKS: a token signed with the
project's ES256 key or its RS256 key is accepted, and the JWKS is fetched once, not per request."""

from __future__ import annotations

from tests.apiutil import api_client
from tests.authutil import JwksServer, bearer, es256_key, rs256_key
from tests.dispatchutil import new_pixel, new_tenant, new_token, new_user


def test_es256_and_rs256_tokens_are_accepted_and_the_jwks_is_fetched_once(conn, dsn):
    company, _ = new_tenant(conn, new_pixel(), new_token())
    uid = new_user(conn, company, "backoffice_admin")
    es, rs = es256_key(), rs256_key()
    with JwksServer(es, rs) as jwks, api_client(dsn, supabase_url=jwks.url, supabase_jwt_secret=None) as client:
        for key in (es, rs, es, rs, es, rs):
            r = client.post("/api/meta/retry-failed", json={}, headers=bearer(key.sign(jwks.claims(uid))))
            assert r.status_code == 200, (key.alg, r.text)
            assert r.json() == {"company_id": company, "replayed": 0, "replay_id": None}
        assert jwks.fetches == 1
