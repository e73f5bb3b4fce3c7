"""Provider signature checks that need a secret (the secret never leaves this module's arguments)."""

from __future__ import annotations

import hashlib
import hmac
import time

MP_TOLERANCE_S = 300


def mercadopago_manifest(data_id: str | None, request_id: str | None, ts: str) -> str:
    """gateways.md §2.2: `id:<data.id>;request-id:<x-request-id>;ts:<ts>;`, absent parts dropped."""
    parts = []
    if data_id:
        parts.append(f"id:{data_id};")
    if request_id:
        parts.append(f"request-id:{request_id};")
    parts.append(f"ts:{ts};")
    return "".join(parts)


def parse_mercadopago_signature(header: str) -> tuple[str, str] | None:
    fields = dict(p.strip().split("=", 1) for p in header.split(",") if "=" in p)
    ts, v1 = fields.get("ts"), fields.get("v1")
    # ASCII digits only ("²".isdigit() is true but int() refuses it), and no more than ms precision needs
    if not ts or not v1 or not (ts.isascii() and ts.isdigit()) or len(ts) > 16:
        return None
    return ts, v1


def verify_mercadopago(header: str | None, request_id: str | None, data_id: str | None, secret: str,
                       now: float | None = None) -> str | None:
    """None when valid; else a machine-readable reason (bad_signature / stale_signature)."""
    parsed = parse_mercadopago_signature(header or "")
    if not parsed:
        return "bad_signature"
    ts, v1 = parsed
    # ts is documented in ms but sent in seconds: read > 10^12 as ms (gateways.md §2.2)
    ts_s = int(ts) / 1000 if int(ts) > 10**12 else int(ts)
    if abs((now or time.time()) - ts_s) > MP_TOLERANCE_S:
        return "stale_signature"
    ids = [data_id.lower(), data_id] if data_id and data_id.lower() != data_id else [data_id]
    for candidate in ids:
        manifest = mercadopago_manifest(candidate, request_id, ts)
        expected = hmac.new(secret.encode(), manifest.encode(), hashlib.sha256).hexdigest()
        if hmac.compare_digest(expected, v1):
            return None
    return "bad_signature"


def verify_hmac_hex(algorithm: str, raw_body: bytes, signature: str | None, secret: str) -> bool:
    """Kiwify (HMAC-SHA1 in ?signature=) and Eduzz (HMAC-SHA256 in x-signature): lowercase hex over the raw
    body exactly as received (gateways_br.md §2.1, §3.1); a "sha256=" prefix is tolerated."""
    if not signature:
        return False
    given = signature.strip().lower().removeprefix(f"{algorithm}=")
    expected = hmac.new(secret.encode(), raw_body, getattr(hashlib, algorithm)).hexdigest()
    return hmac.compare_digest(expected, given)
