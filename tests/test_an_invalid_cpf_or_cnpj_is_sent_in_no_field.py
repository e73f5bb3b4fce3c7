"""A CPF or CNPJ that fails its check digits, or is one repeated digit (the placeholder 000.000.000-00),
reaches Meta in no field: not as external_id from Perfect Pay's customer.identification_number, from
Mercado Pago's payer.identification, nor from the direct API, so Meta cannot merge different buyers
who share a placeholder into one person. A valid one is sent hashed, as its bare digits (issue 15)."""

from __future__ import annotations

import hashlib
import re

import psycopg
import pytest

from fakes.base import serve
from fakes.mercadopago import MercadoPagoFake, signed_notification
from jobs.base import QueueWorker
from jobs.mercadopago import MercadoPagoFetcher
from tests.apiutil import postback, settings_for

MP_SECRET, MP_TOKEN = "mp-webhook-secret", "APP_USR-test-token"  # as make_tenant stores them

# identification number -> the external_id sent (its hash), or None for none
CASES = [
    ("00000000000", None, "the placeholder CPF"),
    ("000.000.000-00", None, "the placeholder CPF, punctuated"),
    ("11111111111", None, "one repeated digit"),
    ("52998224726", None, "a CPF failing its check digits"),
    ("52998224725", "52998224725", "a valid CPF"),
    ("529.982.247-25", "52998224725", "a valid CPF, punctuated"),
    ("11222333000182", None, "a CNPJ failing its check digits"),
    ("00000000000000", None, "the placeholder CNPJ"),
    ("11.222.333/0001-81", "11222333000181", "a valid CNPJ"),
]


@pytest.fixture(scope="module")
def mercadopago():
    mp = MercadoPagoFake()
    mp.add_token(MP_TOKEN)
    with serve(mp.app) as handle:
        mp.url = handle.url
        yield mp


def _sha(value: str | None) -> str | None:
    return hashlib.sha256(value.encode()).hexdigest() if value else None


def _kind(number: str) -> str:
    return "CNPJ" if len(re.sub(r"\D", "", number)) == 14 else "CPF"


def _wrong(conn, event_ids: list[str]) -> list[str]:
    wrong = []
    for (number, sent, why), event_id in zip(CASES, event_ids, strict=True):
        user_data = conn.execute("select user_data from tracking.events where event_id = %s",
                                 (event_id,)).fetchone()[0]
        if user_data.get("external_id") != _sha(sent):
            wrong.append(f"{why} ({number}): external_id {user_data.get('external_id')}, want {_sha(sent)}")
        elif sent is None and any(_sha(number) == v or number == v for v in user_data.values()):
            wrong.append(f"{why} ({number}) is in user_data")
    return wrong


def test_perfect_pay_sends_only_a_valid_identification_number(client, tenant, conn):
    event_ids = []
    for i, (number, _, _) in enumerate(CASES):
        body = postback(code=f"PP-DOC-{i}")
        body["customer"] = {**body["customer"], "identification_number": number,
                            "identification_type": _kind(number)}
        r = client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=body)
        assert r.status_code == 200, r.text
        event_ids.append(r.json()["event_id"])
    assert _wrong(conn, event_ids) == []


def test_mercado_pago_sends_only_a_valid_identification_number(client, tenant, mercadopago, dsn, conn):
    inbound_ids = []
    for number, _, _ in CASES:
        payment = mercadopago.add_payment(status="approved", payer={"identification": {
            "type": _kind(number), "number": number}})
        query, headers, body = signed_notification(payment["id"], MP_SECRET)
        r = client.post(f"/webhooks/mercadopago/{tenant.mercadopago_key}", params=query, headers=headers,
                        json=body)
        assert r.status_code == 200, r.text
        inbound_ids.append(r.json()["inbound_id"])
    fetcher = MercadoPagoFetcher(settings_for(dsn, mercadopago_api_url=mercadopago.url))
    worker = QueueWorker(dsn, "mercadopago", fetcher.handle, batch=50, vt_s=1)
    with psycopg.connect(dsn, autocommit=True) as c:
        while worker.run_once(c):
            pass
    event_ids = [conn.execute("select event_id from tracking.events where inbound_id = %s",
                              (inbound,)).fetchone()[0] for inbound in inbound_ids]
    assert _wrong(conn, event_ids) == []


def test_the_direct_api_sends_no_placeholder_or_punctuated_invalid_tax_id(client, tenant, conn):
    sent = {}
    for i, external_id in enumerate(["000.000.000-00", "00000000000", "529.982.247-26", "11.222.333/0001-82",
                                     "00000000000000", "529.982.247-25", "crm-42"]):
        r = client.post("/api/purchases/record", headers={"X-Api-Key": tenant.api_key}, json={
            "order_id": f"ORD-DOC-{i}", "value": 10, "email": f"doc{i}@example.com", "external_id": external_id})
        assert r.status_code == 201, r.text
        sent[external_id] = conn.execute("select user_data ->> 'external_id' from tracking.events"
                                         " where event_id = %s", (r.json()["event_id"],)).fetchone()[0]
    assert sent == {"000.000.000-00": None, "00000000000": None, "529.982.247-26": None,
                    "11.222.333/0001-82": None, "00000000000000": None,
                    "529.982.247-25": _sha("52998224725"), "crm-42": _sha("crm-42")}
