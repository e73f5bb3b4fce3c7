"""Key rotation: the project publishes a new signing key (a new kid in its JWKS) and starts signing
with it; the first token with the new kid refreshes the cached JWKS once and is accepted, and tokens
signed with the previous key, still published, keep working without another fetch."""

from __future__ import annotations

from tests.apiutil import api_client
from tests.authutil import JwksServer, bearer, es256_key
from tests.dispatchutil import new_pixel, new_tenant, new_token, new_user


def test_a_new_kid_in_the_jwks_is_accepted_after_one_refresh(conn, dsn):
    company, _ = new_tenant(conn, new_pixel(), new_token())
    uid = new_user(conn, company, "backoffice_admin")
    old, new = es256_key(), es256_key()
    with JwksServer(old) as jwks, api_client(dsn, supabase_url=jwks.url, supabase_jwt_secret=None) as client:
        def call(key):
            return client.post("/api/meta/retry-failed", json={}, headers=bearer(key.sign(jwks.claims(uid))))

        assert call(old).status_code == 200 and jwks.fetches == 1
        jwks.keys.append(new)  # rotation: the new key is published, then tokens are signed with it
        r = call(new)
        assert r.status_code == 200, r.text
        assert jwks.fetches == 2
        assert call(old).status_code == 200 and call(new).status_code == 200
        assert jwks.fetches == 2
