"""A token naming a kid the cached JWKS lacks makes the API fetch the JWKS once more; still unknown,
it is refused (401). More unknown kids right after cost no further fetch (refreshes are rate-limited,
so a flood of made-up kids cannot make a fetch per request); once the interval has passed, a refresh
may happen again."""

from __future__ import annotations

import uuid

import pytest

from service.auth import AuthError, Jwks
from tests.apiutil import api_client
from tests.authutil import JWKS_PATH, JwksServer, bearer, es256_key
from tests.dispatchutil import new_pixel, new_tenant, new_token, new_user


def test_an_unknown_kid_costs_one_refresh_then_401_and_a_flood_costs_nothing_more(conn, dsn):
    company, _ = new_tenant(conn, new_pixel(), new_token())
    uid = new_user(conn, company, "backoffice_admin")
    known = es256_key()
    with JwksServer(known) as jwks, api_client(dsn, supabase_url=jwks.url, supabase_jwt_secret=None) as client:
        assert client.post("/api/meta/retry-failed", json={},
                           headers=bearer(known.sign(jwks.claims(uid)))).status_code == 200
        assert jwks.fetches == 1
        r = client.post("/api/meta/retry-failed", json={}, headers=bearer(es256_key().sign(jwks.claims(uid))))
        assert r.status_code == 401
        assert r.json()["error"]["code"] == "unauthorized" and "unknown kid" in r.json()["error"]["message"]
        assert jwks.fetches == 2, "exactly one refresh for the unknown kid"
        for _ in range(25):
            r = client.post("/api/meta/retry-failed", json={}, headers=bearer(es256_key().sign(jwks.claims(uid))))
            assert r.status_code == 401
        assert jwks.fetches == 2, "a flood of unknown kids made no further fetch"
        assert client.post("/api/meta/retry-failed", json={},
                           headers=bearer(known.sign(jwks.claims(uid)))).status_code == 200
        assert jwks.fetches == 2


def test_refreshes_are_rate_limited_per_interval_not_forever():
    now = [1000.0]
    known, late = es256_key(), es256_key()
    with JwksServer(known) as server:
        keys = Jwks(server.url + JWKS_PATH, min_refresh_s=10, clock=lambda: now[0])
        assert keys.key(known.kid).key_id == known.kid and server.fetches == 1
        with pytest.raises(AuthError, match="unknown kid"):
            keys.key(late.kid)
        assert server.fetches == 2
        server.keys.append(late)
        now[0] += 5
        with pytest.raises(AuthError, match="unknown kid"):
            keys.key(late.kid)  # published now, but the last refresh was 5 s ago
        assert server.fetches == 2
        now[0] += 6
        assert keys.key(late.kid).key_id == late.kid and server.fetches == 3
        with pytest.raises(AuthError, match="unknown kid"):
            keys.key(str(uuid.uuid4()))
        assert server.fetches == 3
