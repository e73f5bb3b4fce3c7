"""Supabase's legacy HS256 tokens (signed with the project's shared JWT secret) are accepted only when
SUPABASE_JWT_SECRET is set; without it they get 401 even when correctly signed. An HS256 token signed
with the public key is refused either way; with nothing configured the user API answers 503."""

from __future__ import annotations

import jwt
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tests.apiutil import api_client
from tests.authutil import JwksServer, bearer, es256_key, hs256_with
from tests.dispatchutil import new_pixel, new_tenant, new_token, new_user

SECRET = "legacy-jwt-secret-with-at-least-32-characters-long"


def test_hs256_needs_the_secret_and_the_right_signature(conn, dsn):
    company, _ = new_tenant(conn, new_pixel(), new_token())
    uid = new_user(conn, company, "backoffice_admin")
    es = es256_key()
    with JwksServer(es) as jwks:
        claims = jwks.claims(uid)
        legacy = jwt.encode(claims, SECRET, algorithm="HS256")
        pem = es.private.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
        confused = hs256_with(pem, claims, kid=es.kid)

        def call(client, token):
            return client.post("/api/meta/retry-failed", json={}, headers=bearer(token))

        with api_client(dsn, supabase_url=jwks.url, supabase_jwt_secret=SECRET) as client:
            assert call(client, legacy).status_code == 200
            assert call(client, es.sign(claims)).status_code == 200, "asymmetric tokens still accepted"
            for token in (jwt.encode(claims, "another-secret-another-secret-another-secret", algorithm="HS256"),
                          confused):
                r = call(client, token)
                assert r.status_code == 401 and "signature is invalid" in r.json()["error"]["message"]
            r = call(client, jwt.encode({**claims, "iss": "https://other.supabase.co/auth/v1"}, SECRET,
                                        algorithm="HS256"))
            assert r.status_code == 401 and "iss" in r.json()["error"]["message"]

        with api_client(dsn, supabase_url=jwks.url, supabase_jwt_secret=None) as client:
            for token in (legacy, confused):
                r = call(client, token)
                assert r.status_code == 401
                assert r.json()["error"]["code"] == "unauthorized"
                assert "HS256 tokens are not accepted" in r.json()["error"]["message"] and token not in r.text

    # the secret alone (the local sandbox): HS256 accepted; aud is still checked, there is no issuer to compare
    with api_client(dsn, supabase_url=None, supabase_jwt_secret=SECRET) as client:
        assert call(client, legacy).status_code == 200
        r = call(client, jwt.encode({**claims, "aud": "anon"}, SECRET, algorithm="HS256"))
        assert r.status_code == 401 and "aud" in r.json()["error"]["message"]
        r = call(client, es.sign(claims))
        assert r.status_code == 401 and "SUPABASE_URL" in r.json()["error"]["message"]

    with api_client(dsn, supabase_url=None, supabase_jwt_secret=None) as client:
        r = call(client, legacy)
        assert r.status_code == 503 and r.json()["error"]["code"] == "auth_not_configured"
