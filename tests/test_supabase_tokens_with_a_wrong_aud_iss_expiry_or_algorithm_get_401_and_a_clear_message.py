"""Tokens Supabase would not have issued for this project are refused with 401 in the one error shape,
with a message saying why and without echoing the token: wrong aud, wrong iss, expired, no exp, `alg:
none`, an HS256 token signed with the project's public key (algorithm confusion), an RS256 header over
an ES256 key, another key's signature under a published kid, a non-user role or sub, garbage."""

from __future__ import annotations

import json
import time

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tests.apiutil import api_client
from tests.authutil import JwksServer, SigningKey, bearer, es256_key, hs256_with, rs256_key, unsigned
from tests.dispatchutil import new_pixel, new_tenant, new_token, new_user


def test_tokens_not_issued_for_this_project_get_401_with_a_clear_message(conn, dsn):
    company, _ = new_tenant(conn, new_pixel(), new_token())
    uid = new_user(conn, company, "backoffice_admin")
    es = es256_key()
    with JwksServer(es) as jwks, api_client(dsn, supabase_url=jwks.url, supabase_jwt_secret=None) as client:
        c = jwks.claims(uid)
        pem = es.private.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
        no_exp = {k: v for k, v in c.items() if k != "exp"}
        cases = {
            "wrong aud": (es.sign({**c, "aud": "anon"}), "aud must be 'authenticated'"),
            "wrong iss": (es.sign({**c, "iss": "https://otherproject.supabase.co/auth/v1"}), "iss does not match"),
            "expired": (es.sign({**c, "exp": int(time.time()) - 120}), "expired"),
            "no exp": (es.sign(no_exp), "no 'exp' claim"),
            "alg none": (unsigned(c), "alg none"),
            "HS256 signed with the public key (PEM)": (hs256_with(pem, c, kid=es.kid), "HS256 tokens are not accepted"),
            "HS256 signed with the public key (JWK)": (hs256_with(json.dumps(es.jwk()).encode(), c, kid=es.kid),
                                                       "HS256 tokens are not accepted"),
            "RS256 header over the ES256 key": (SigningKey("RS256", rs256_key().private, es.kid).sign(c),
                                                "does not match its signing key"),
            "another key's signature under the published kid": (SigningKey("ES256", es256_key().private, es.kid)
                                                                .sign(c), "signature is invalid"),
            "anon role": (es.sign({**c, "role": "anon"}), "role must be authenticated"),
            "sub not a user id": (es.sign({**c, "sub": "not-a-uuid"}), "names no user"),
            "garbage": ("not-a-jwt", "not a JWT"),
            "garbage in three parts": ("a.b.c", "not a JWT"),
        }
        for why, (token, says) in cases.items():
            r = client.post("/api/meta/retry-failed", json={}, headers=bearer(token))
            assert r.status_code == 401, (why, r.text)
            err = r.json()["error"]
            assert err["code"] == "unauthorized" and err["request_id"], why
            assert says in err["message"], (why, err["message"])
            assert token not in r.text, why
        r = client.post("/api/meta/retry-failed", json={}, headers=bearer(es.sign(c)))
        assert r.status_code == 200, r.text
