"""`trackai work mercadopago`: fetch each notified payment from Mercado Pago and hand it to SQL.

The notification was stored and queued by the webhook; this worker only moves bytes: it decrypts the
company's access token, GETs /v1/payments/{id} at MERCADOPAGO_API_URL, and calls
tracking.process_inbound(inbound, payment), where the sale and its Meta event are decided.
"""

from __future__ import annotations

import logging

import httpx
import psycopg

from core.secrets import Keyring, SecretError
from core.settings import Settings
from jobs.base import Message

log = logging.getLogger("trackai.jobs.mercadopago")

QUEUE = "mercadopago"
MAX_READS = 12  # ~12 visibility timeouts of retries for 5xx / timeouts, then the inbound is failed


class MercadoPagoFetcher:
    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None):
        self.keyring = Keyring.parse(settings.secret_key)
        self.http = httpx.Client(base_url=settings.mercadopago_api_url, timeout=10, transport=transport)

    def handle(self, conn: psycopg.Connection, messages: list[Message]) -> None:
        for msg in messages:
            inbound = int(msg.message["inbound"])
            outcome = self.fetch_and_process(conn, inbound, msg.read_ct)
            if outcome != "retry":
                conn.execute("select pgmq.delete(%s, %s::bigint)", (QUEUE, msg.msg_id))

    def fetch_and_process(self, conn: psycopg.Connection, inbound: int, read_ct: int) -> str:
        row = conn.execute("select company_id::text, payment_id, key_id, ciphertext, status"
                           " from tracking.mercadopago_job(%s)", (inbound,)).fetchone()
        if row is None:
            return "gone"
        company_id, payment_id, key_id, ciphertext, _status = row
        if ciphertext is None:
            return self._fail(conn, inbound, "mercadopago_token_missing: no Mercado Pago access token saved")
        try:
            token = self.keyring.decrypt(key_id, ciphertext, company_id, "mercadopago_access_token")
        except SecretError as exc:
            return self._fail(conn, inbound, f"secret_unavailable: {exc}")
        try:
            resp = self.http.get(f"/v1/payments/{payment_id}", headers={"Authorization": f"Bearer {token}"})
        except httpx.HTTPError as exc:
            return self._retry_or_fail(conn, inbound, read_ct, f"mercadopago_unreachable: {type(exc).__name__}")
        if resp.status_code == 200:
            conn.execute("select tracking.process_inbound(%s, %s::jsonb)", (inbound, resp.text))
            return "processed"
        if resp.status_code in (401, 403):
            return self._fail(conn, inbound, f"mercadopago_token_invalid: HTTP {resp.status_code}")
        if resp.status_code == 404:
            return self._fail(conn, inbound, f"mercadopago_payment_not_found: {payment_id}")
        if resp.status_code == 429 or resp.status_code >= 500:
            return self._retry_or_fail(conn, inbound, read_ct, f"mercadopago_http_{resp.status_code}")
        return self._fail(conn, inbound, f"mercadopago_http_{resp.status_code}")

    def _fail(self, conn: psycopg.Connection, inbound: int, error: str) -> str:
        log.warning("mercadopago notification failed", extra={"inbound": inbound, "error": error})
        conn.execute("select tracking.fail_inbound(%s, %s)", (inbound, error))
        return "failed"

    def _retry_or_fail(self, conn: psycopg.Connection, inbound: int, read_ct: int, error: str) -> str:
        if read_ct >= MAX_READS:
            return self._fail(conn, inbound, error)
        return "retry"
