"""Dashboard users: Supabase Auth access tokens, verified with PyJWT.

Why it looks like this: Supabase now signs user tokens with asymmetric keys (ES256 by default, RS256
possible) that it publishes as a JWKS at <project>/auth/v1/.well-known/jwks.json, one `kid` per key;
the shared HS256 secret is being retired. So:

- the JWKS is fetched once and kept for JWKS_TTL_S; a token naming a `kid` we do not hold triggers one
  early refresh (a key rotation), at most once per MIN_REFRESH_S, so a flood of made-up kids costs one
  fetch, not one per request; still unknown after that: refused;
- the algorithm is pinned by the key, never taken from the token alone: ES256/RS256 only with a JWKS key
  of that algorithm, HS256 only with SUPABASE_JWT_SECRET configured (so an HS256 token "signed" with the
  public key, or `alg: none`, never passes);
- `aud` must be `authenticated`, `iss` the project's auth URL (when one is configured: with only the
  legacy secret there is no issuer to compare with), `exp` present (LEEWAY_S of clock skew), `sub` a user
  id and `role` `authenticated`.

What the user may do is decided in SQL, under their claims (role authenticated + request.jwt.claims),
through app.has_company_access / app.admin_company, which also refuse anonymous sign-ins
(`is_anonymous`) as admins - never here. Refusals never echo the token.
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
import uuid
from collections.abc import Callable

import httpx
import jwt
from fastapi import Request

from core.settings import Settings
from service.errors import ApiError

log = logging.getLogger("trackai.auth")

LEEWAY_S = 30  # clock skew tolerated on exp / nbf
JWKS_TTL_S = 600.0  # how long fetched keys are used before they are fetched again
MIN_REFRESH_S = 10.0  # at most one early refresh (unknown kid) or retry of a failed fetch per this long
FETCH_TIMEOUT_S = 5.0
AUDIENCE = "authenticated"
ASYMMETRIC = ("ES256", "RS256")


class AuthError(ValueError):
    """Why a token was refused (safe to show: never echoes the token)."""


class KeysUnavailable(RuntimeError):
    """The JWKS could not be fetched and no keys are held."""


class Jwks:
    """The project's public signing keys by kid, cached; see the module docstring for when it fetches."""

    def __init__(self, url: str, ttl_s: float = JWKS_TTL_S, min_refresh_s: float = MIN_REFRESH_S,
                 clock: Callable[[], float] = time.monotonic):
        self.url, self.ttl_s, self.min_refresh_s, self.clock = url, ttl_s, min_refresh_s, clock
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None  # last successful fetch
        self._tried_at: float | None = None  # last fetch attempt (rate-limits retries after a failure)
        self._refreshed_at: float | None = None  # last early refresh for an unknown kid
        self._lock = threading.Lock()  # one fetch at a time; others wait for its result

    def _fresh(self, now: float) -> bool:
        return self._fetched_at is not None and now - self._fetched_at < self.ttl_s

    def key(self, kid: str) -> jwt.PyJWK:
        held = self._keys.get(kid)  # the common case: no lock, no fetch
        if held is not None and self._fresh(self.clock()):
            return held
        with self._lock:
            now = self.clock()
            if not self._fresh(now):
                if self._tried_at is None or now - self._tried_at >= self.min_refresh_s:
                    self._fetch(now)
            elif kid not in self._keys and (self._refreshed_at is None
                                            or now - self._refreshed_at >= self.min_refresh_s):
                self._refreshed_at = now
                self._fetch(now)
            if kid in self._keys:
                return self._keys[kid]
            if self._fetched_at is None:
                raise KeysUnavailable
        raise AuthError("the token was signed with a key this project does not publish (unknown kid)")

    def _fetch(self, now: float) -> None:
        self._tried_at = now
        try:
            r = httpx.get(self.url, timeout=FETCH_TIMEOUT_S)
            r.raise_for_status()
            found = r.json()["keys"]
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            log.warning("JWKS fetch failed, keeping the keys held: %s", type(exc).__name__)
            return
        keys = {}
        for data in found if isinstance(found, list) else []:
            if not isinstance(data, dict):
                continue
            try:
                key = jwt.PyJWK(data)
            except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError, KeyError):
                continue  # a key type or curve we do not take
            if isinstance(key.key_id, str) and key.algorithm_name in ASYMMETRIC:
                keys[key.key_id] = key
        self._keys, self._fetched_at = keys, now


class Verifier:
    """Checks Supabase Auth access tokens against the JWKS and/or the legacy HS256 secret."""

    def __init__(self, jwks: Jwks | None, issuer: str | None, secret: str | None):
        self.jwks, self.issuer, self.secret = jwks, issuer, secret

    @classmethod
    def from_settings(cls, s: Settings) -> Verifier | None:
        """None when nothing is configured (the API answers 503 auth_not_configured)."""
        base = f"{s.supabase_url}/auth/v1" if s.supabase_url else None
        jwks_url = s.supabase_jwks_url or (f"{base}/.well-known/jwks.json" if base else None)
        if not jwks_url and not s.supabase_jwt_secret:
            return None
        return cls(Jwks(jwks_url) if jwks_url else None, s.supabase_jwt_issuer or base, s.supabase_jwt_secret)

    def verify(self, token: str) -> dict:
        """The claims of a valid token, else AuthError (KeysUnavailable: the JWKS cannot be fetched)."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise AuthError("the token is not a JWT") from None
        alg, kid = header.get("alg"), header.get("kid")
        if alg in ASYMMETRIC:
            if self.jwks is None:
                raise AuthError("this server takes no ES256/RS256 tokens: SUPABASE_URL is not set")
            if not isinstance(kid, str):
                raise AuthError("the token does not name its signing key (kid)")
            key = self.jwks.key(kid)
            if key.algorithm_name != alg:
                raise AuthError("the token's algorithm does not match its signing key")
        elif alg == "HS256":
            if not self.secret:
                raise AuthError("HS256 tokens are not accepted: sign in again for a token signed with the "
                                "project's signing keys")
            key = self.secret
        elif isinstance(alg, str) and alg.lower() == "none":
            raise AuthError("unsigned tokens (alg none) are refused")
        else:
            raise AuthError("the token's signing algorithm is not accepted (ES256, RS256)")
        claims = _decode(token, key, alg, self.issuer)
        if claims.get("role") != "authenticated":
            raise AuthError("the token is not a signed-in user's (role must be authenticated)")
        try:
            uuid.UUID(str(claims["sub"]))
        except ValueError:
            raise AuthError("the token names no user (sub is not a user id)") from None
        return claims


def _decode(token: str, key, alg: str, issuer: str | None) -> dict:
    required = ["exp", "sub", "aud"] + (["iss"] if issuer else [])
    try:
        claims = jwt.decode(token, key, algorithms=[alg], audience=AUDIENCE, issuer=issuer, leeway=LEEWAY_S,
                            options={"require": required})
    except jwt.ExpiredSignatureError:
        raise AuthError("the token has expired: sign in again") from None
    except jwt.ImmatureSignatureError:
        raise AuthError("the token is not valid yet") from None
    except jwt.InvalidAudienceError:
        raise AuthError(f"the token is not for this API (aud must be '{AUDIENCE}')") from None
    except jwt.InvalidIssuerError:
        raise AuthError("the token was issued by another Supabase project (iss does not match)") from None
    except jwt.MissingRequiredClaimError as exc:
        raise AuthError(f"the token has no '{exc.claim}' claim") from None
    except (jwt.InvalidSignatureError, jwt.InvalidKeyError, jwt.InvalidAlgorithmError):
        raise AuthError("the token signature is invalid") from None
    except jwt.InvalidTokenError:
        raise AuthError("the token is malformed") from None
    if not isinstance(claims, dict):
        raise AuthError("the token has no claims")
    return claims


def sign(claims: dict, secret: str) -> str:
    """A legacy HS256 token (the local sandbox and tests; Supabase Auth issues the real ones)."""
    return jwt.encode({"aud": AUDIENCE, **claims}, secret, algorithm="HS256")


_creating = threading.Lock()


def verifier(app) -> Verifier | None:
    """The app's verifier (and its JWKS cache), made on first use from app.state.settings."""
    if not hasattr(app.state, "auth_verifier"):
        with _creating:
            if not hasattr(app.state, "auth_verifier"):
                app.state.auth_verifier = Verifier.from_settings(app.state.settings)
    return app.state.auth_verifier


def require_user(request: Request) -> dict:
    """FastAPI dependency (sync: a JWKS fetch runs in the threadpool): the Bearer token's claims, else
    401 in the one error shape."""
    checker = verifier(request.app)
    if checker is None:
        raise ApiError(503, "auth_not_configured",
                       "neither SUPABASE_URL nor SUPABASE_JWT_SECRET is set on this server")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", "send the user's access token as 'Authorization: Bearer <jwt>'")
    try:
        return checker.verify(token.strip())
    except AuthError as exc:
        raise ApiError(401, "unauthorized", str(exc)) from None
    except KeysUnavailable:
        raise ApiError(503, "auth_unavailable",
                       "the project's signing keys could not be fetched from Supabase Auth; retry shortly") from None


def operator_refusal(request: Request) -> ApiError | None:
    """None when the caller may read operator detail (/metrics, /health's parts): anyone on a local stack,
    else only with METRICS_TOKEN as its bearer token. Hosted (or with a token set) the rest are refused."""
    settings = request.app.state.settings
    if settings.metrics_token:
        given = request.headers.get("authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {settings.metrics_token}".encode()):
            return None
        return ApiError(401, "unauthorized", "a valid METRICS_TOKEN bearer token is required")
    if settings.is_hosted:
        return ApiError(401, "metrics_token_not_set", "this server uses a hosted database, so operator detail "
                        "needs a bearer token: set METRICS_TOKEN and send `Authorization: Bearer <token>`")
    return None
