"""The retry endpoint takes only a valid Supabase access token: none, a forged signature, another
algorithm, an expired one or a non-user role get 401 in the one error shape."""

from __future__ import annotations

import base64
import json
import time

import pytest

from service.auth import AuthError, Verifier, sign
from tests.apiutil import api_client
from tests.dispatchutil import new_pixel, new_tenant, new_token, new_user

SECRET = "super-secret-jwt-token-with-at-least-32-characters-long"


def claims(uid: str, **over) -> dict:
    return {"sub": uid, "role": "authenticated", "exp": int(time.time()) + 300, **over}


def unsigned(c: dict) -> str:
    enc = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()  # noqa: E731
    return f"{enc({'alg': 'none', 'typ': 'JWT'})}.{enc(c)}."


def test_bad_tokens_get_401_and_a_good_one_passes(conn, dsn):
    company, _ = new_tenant(conn, new_pixel(), new_token())
    uid = new_user(conn, company, "backoffice_admin")
    bad = {
        "missing": None,
        "garbage": "not-a-jwt",
        "forged": sign(claims(uid), "another-secret-another-secret-another-secret"),
        "alg none": unsigned(claims(uid)),
        "expired": sign(claims(uid, exp=int(time.time()) - 120), SECRET),
        "anon role": sign(claims(uid, role="anon"), SECRET),
        "no user": sign(claims("not-a-uuid"), SECRET),
    }
    with api_client(dsn, supabase_jwt_secret=SECRET) as client:
        for why, token in bad.items():
            headers = {"authorization": f"Bearer {token}"} if token else {}
            r = client.post("/api/meta/retry-failed", json={}, headers=headers)
            assert r.status_code == 401, why
            err = r.json()["error"]
            assert err["code"] == "unauthorized" and err["request_id"] and (not token or token not in r.text)
        good = {"authorization": f"Bearer {sign(claims(uid), SECRET)}"}
        r = client.post("/api/meta/retry-failed", json={}, headers=good)
        assert r.status_code == 200 and r.json()["replayed"] == 0


def test_verify_checks_the_signature_and_expiry():
    legacy = Verifier(jwks=None, issuer=None, secret=SECRET)
    c = claims("8d0f8f0e-7d55-4b8c-9d4b-8d61e0d2a111")
    assert legacy.verify(sign(c, SECRET))["sub"] == c["sub"]
    with pytest.raises(AuthError, match="expired"):
        legacy.verify(sign({**c, "exp": int(time.time()) - 120}, SECRET))
    token = sign(c, SECRET)
    tampered = token[:-10] + ("A" if token[-10] != "A" else "B") + token[-9:]
    with pytest.raises(AuthError, match="signature"):
        legacy.verify(tampered)
    with pytest.raises(AuthError, match="not a JWT"):
        legacy.verify(token[:-2] + "xx")  # not even base64url any more
