"""Dashboard users: Supabase Auth access tokens (JWT, HS256 signed with SUPABASE_JWT_SECRET).

Checked here with the standard library (no PyJWT in the environment): the header says HS256, the
signature matches, `exp` is in the future, `sub` is a user id and `role` is `authenticated`. What the
user may do is decided in SQL, under their claims (role authenticated + request.jwt.claims), through
app.has_company_access - never here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid

from fastapi import Request

from service.errors import ApiError

LEEWAY_S = 30  # clock skew tolerated on exp / nbf


class AuthError(ValueError):
    """Why a token was refused (safe to show: never echoes the token)."""


def _b64url_decode(part: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (ValueError, TypeError):
        raise AuthError("the token is not valid base64url") from None


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def verify(token: str, secret: str, now: float | None = None) -> dict:
    """The claims of a valid token, else AuthError."""
    parts = token.split(".")
    if len(parts) != 3:
        raise AuthError("the token is not a JWT")
    try:
        header = json.loads(_b64url_decode(parts[0]))
        claims = json.loads(_b64url_decode(parts[1]))
    except ValueError:
        raise AuthError("the token is not a JWT") from None
    if not isinstance(header, dict) or header.get("alg") != "HS256":
        raise AuthError("the token must be signed with HS256")
    expected = hmac.new(secret.encode(), f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(expected, _b64url_decode(parts[2])):
        raise AuthError("the token signature is invalid")
    if not isinstance(claims, dict):
        raise AuthError("the token has no claims")
    now = time.time() if now is None else now
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or isinstance(exp, bool):
        raise AuthError("the token has no expiry")
    if exp + LEEWAY_S < now:
        raise AuthError("the token has expired")
    nbf = claims.get("nbf")
    if isinstance(nbf, int | float) and nbf - LEEWAY_S > now:
        raise AuthError("the token is not valid yet")
    if claims.get("role") != "authenticated":
        raise AuthError("the token is not a signed-in user's")
    try:
        uuid.UUID(str(claims.get("sub")))
    except ValueError:
        raise AuthError("the token names no user") from None
    return claims


def sign(claims: dict, secret: str) -> str:
    """An HS256 JWT (tests and local tooling; Supabase Auth issues the real ones)."""
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    body = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    sig = hmac.new(secret.encode(), f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{_b64url(sig)}"


def require_user(request: Request) -> dict:
    """FastAPI dependency: the claims of the Bearer token, else 401 in the one error shape."""
    secret = request.app.state.settings.supabase_jwt_secret
    if not secret:
        raise ApiError(503, "auth_not_configured", "SUPABASE_JWT_SECRET is not set on this server")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", "send the user's access token as 'Authorization: Bearer <jwt>'")
    try:
        return verify(token.strip(), secret)
    except AuthError as exc:
        raise ApiError(401, "unauthorized", str(exc)) from None
