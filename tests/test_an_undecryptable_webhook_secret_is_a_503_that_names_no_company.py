"""A webhook whose company secret this server cannot decrypt answers 503 to its (unauthenticated) caller
without naming the company; the company and key go to the log for the operator, never the secret."""

from __future__ import annotations

import base64
import logging
import os

from fakes.mercadopago import signed_notification
from tests.apiutil import api_client

# the key id tests/conftest.py sets, with other bytes: decryption fails
OTHER_KEY = "test:" + base64.b64encode(os.urandom(32)).decode()


class _Kept(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def test_the_503_names_no_company_and_the_log_names_it(dsn, tenant):
    query, headers, body = signed_notification(1234567, "mp-webhook-secret")
    kept, logger = _Kept(), logging.getLogger("trackai.api")  # "trackai" does not propagate (core.logs)
    logger.addHandler(kept)
    try:
        with api_client(dsn, run_ingest=False, secret_key=OTHER_KEY) as client:
            r = client.post(f"/webhooks/mercadopago/{tenant.mercadopago_key}", params=query, headers=headers,
                            json=body)
    finally:
        logger.removeHandler(kept)
    assert r.status_code == 503 and r.json()["error"]["code"] == "secret_unavailable"
    assert tenant.company_id not in r.text and "company" not in r.json()["error"]["message"]
    logged = [rec for rec in kept.records if getattr(rec, "company_id", None) == tenant.company_id]
    assert logged and "mp-webhook-secret" not in str(logged[0].__dict__)
