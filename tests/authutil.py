"""Test helpers for Supabase Auth tokens: signing keys made here (cryptography), a JWKS served on
127.0.0.1:<free port> at the path Supabase serves it, and tokens shaped like the ones Supabase issues."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

JWKS_PATH = "/auth/v1/.well-known/jwks.json"


@dataclass
class SigningKey:
    alg: str
    private: object
    kid: str = field(default_factory=lambda: str(uuid.uuid4()))

    def jwk(self) -> dict:
        """The public half as Supabase publishes it."""
        to_jwk = ECAlgorithm.to_jwk if self.alg == "ES256" else RSAAlgorithm.to_jwk
        return {**json.loads(to_jwk(self.private.public_key())), "kid": self.kid, "alg": self.alg,
                "use": "sig", "key_ops": ["verify"]}

    def sign(self, claims: dict, **header) -> str:
        return jwt.encode(claims, self.private, algorithm=self.alg, headers={"kid": self.kid, **header})


def es256_key() -> SigningKey:
    return SigningKey("ES256", ec.generate_private_key(ec.SECP256R1()))


def rs256_key() -> SigningKey:
    return SigningKey("RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048))


class JwksServer:
    """A Supabase project's auth URL that serves only its JWKS, counting how often it was fetched."""

    def __init__(self, *keys: SigningKey):
        self.keys = list(keys)
        self.fetches = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                if self.path != JWKS_PATH:
                    self.send_error(404)
                    return
                server.fetches += 1
                body = json.dumps({"keys": [k.jwk() for k in server.keys]}).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_):
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"  # what SUPABASE_URL would be
        self.issuer = f"{self.url}/auth/v1"

    def __enter__(self) -> JwksServer:
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_):
        self._httpd.shutdown()
        self._httpd.server_close()

    def claims(self, sub: str, **over) -> dict:
        """A user's access token claims as Supabase Auth issues them."""
        now = int(time.time())
        return {"iss": self.issuer, "sub": sub, "aud": "authenticated", "exp": now + 300, "iat": now,
                "role": "authenticated", "aal": "aal1", "session_id": str(uuid.uuid4()),
                "is_anonymous": False, **over}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(claims: dict) -> str:
    """An `alg: none` token."""
    enc = lambda d: b64url(json.dumps(d).encode())  # noqa: E731
    return f"{enc({'alg': 'none', 'typ': 'JWT'})}.{enc(claims)}."


def hs256_with(secret: bytes, claims: dict, **header) -> str:
    """An HS256 token signed by hand with any bytes (PyJWT refuses a public key as an HMAC secret;
    an attacker would not)."""
    head = b64url(json.dumps({"alg": "HS256", "typ": "JWT", **header}).encode())
    body = b64url(json.dumps(claims).encode())
    sig = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64url(sig)}"


def bearer(token: str) -> dict:
    return {"authorization": f"Bearer {token}"}
