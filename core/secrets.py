"""Provider secrets at rest: AES-256-GCM, key from TRACKAI_SECRET_KEY, key id beside the ciphertext.

TRACKAI_SECRET_KEY holds one or more keys, newest first: `kid1:<base64 32 bytes>,kid0:<...>`
(a bare base64 key gets the id `k` + the first 8 hex of its SHA-256). New secrets use the first key;
any listed key decrypts, so `trackai secrets rotate` can re-encrypt rows one by one.
The company id and the secret kind are bound as associated data, so a ciphertext cannot be moved to
another company or used as another kind of secret.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12


class SecretError(RuntimeError):
    """Never carries the secret: only which key or row failed."""


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, bytes]
    active: str

    @classmethod
    def parse(cls, spec: str | None) -> Keyring:
        if not spec:
            raise SecretError("TRACKAI_SECRET_KEY is not set; generate one with `trackai secrets new-key`")
        keys: dict[str, bytes] = {}
        order: list[str] = []
        for part in (p.strip() for p in spec.split(",") if p.strip()):
            kid, sep, b64 = part.partition(":")
            if not sep:
                b64 = kid
                kid = None
            try:
                raw = base64.b64decode(b64, validate=True)
            except ValueError:
                raise SecretError("TRACKAI_SECRET_KEY holds a key that is not valid base64") from None
            if len(raw) != 32:
                raise SecretError("each TRACKAI_SECRET_KEY key must be 32 bytes (base64 of 32 random bytes)")
            kid = kid or "k" + hashlib.sha256(raw).hexdigest()[:8]
            keys[kid] = raw
            order.append(kid)
        return cls(keys=keys, active=order[0])

    def encrypt(self, plaintext: str, company_id: str, kind: str) -> tuple[str, bytes]:
        nonce = os.urandom(NONCE_BYTES)
        ct = AESGCM(self.keys[self.active]).encrypt(nonce, plaintext.encode(), _aad(company_id, kind))
        return self.active, nonce + ct

    def decrypt(self, key_id: str, blob: bytes, company_id: str, kind: str) -> str:
        key = self.keys.get(key_id)
        if key is None:
            raise SecretError(f"secret {kind} was encrypted with key {key_id!r}, which is not configured")
        try:
            return AESGCM(key).decrypt(bytes(blob[:NONCE_BYTES]), bytes(blob[NONCE_BYTES:]),
                                       _aad(company_id, kind)).decode()
        except Exception:
            raise SecretError(f"secret {kind} of company {company_id} could not be decrypted") from None


def _aad(company_id: str, kind: str) -> bytes:
    return f"{company_id}:{kind}".encode()


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()
