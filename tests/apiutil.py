"""Test helpers: the API bound to a test database, and a fully configured tenant."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass

import psycopg
from fastapi.testclient import TestClient

from core import tenants
from core.secrets import Keyring
from core.settings import Settings, load, proxy_networks
from fakes.perfectpay import approved_now
from service.app import create_app

PP_TOKEN = "5550029d92c8e727464111a087b6d903"
ORIGIN = "https://loja.example.com.br"


def settings_for(dsn: str, **overrides) -> Settings:
    return dataclasses.replace(load(), database_url=dsn, **overrides)


# api_client(dsn, **BEHIND_PROXY): requests come through a proxy of ours, whose X-Forwarded-For names the browser
BEHIND_PROXY = {"peer": ("10.0.0.2", 50000), "trusted_proxies": proxy_networks("10.0.0.0/8")}


def api_client(dsn: str, run_ingest: bool = True, peer: tuple[str, int] = ("testclient", 50000),
               **overrides) -> TestClient:
    """A TestClient whose lifespan (the connection pool) is running; use it as a context manager.
    With run_ingest, what a webhook stored is processed after each request, as the ingest worker does.
    peer: the address requests come from (a proxy's, for X-Forwarded-For)."""
    client = TestClient(create_app(settings_for(dsn, **overrides)), raise_server_exceptions=False, client=peer)
    if run_ingest:
        client.event_hooks["response"].append(lambda _response: process_ingest(dsn))
    return client


@dataclass(frozen=True)
class Tenant:
    company_id: str
    perfectpay_key: str
    collector_key: str
    mercadopago_key: str
    api_key: str
    destination_id: int
    pixel_id: str


def make_tenant(dsn: str, pixel_id: str = "123456789012345", with_destination: bool = True) -> Tenant:
    keyring = Keyring.parse(load().secret_key)
    slug = f"t-{uuid.uuid4().hex[:10]}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        company = tenants.create_company(conn, "Loja " + slug, slug)
        pp = tenants.add_endpoint(conn, company, "perfectpay", PP_TOKEN)
        col = tenants.add_endpoint(conn, company, "collector")
        mp = tenants.add_endpoint(conn, company, "mercadopago")
        tenants.put_secret(conn, keyring, company, "mercadopago_webhook_secret", "mp-webhook-secret")
        tenants.put_secret(conn, keyring, company, "mercadopago_access_token", "APP_USR-test-token")
        tenants.allow_origin(conn, company, ORIGIN)
        key = tenants.add_api_key(conn, company)
        dest = (tenants.add_destination(conn, keyring, company, pixel_id, "EAAtesttoken")
                if with_destination else 0)
    return Tenant(company, pp, col, mp, key.plaintext, dest, pixel_id)


def postback(code: str = "PPCPMTB5H3745O", status: int = 2, token: str = PP_TOKEN, src: str | None = None,
             **extra) -> dict:
    """A Perfect Pay postback shaped like the real one in gateways.md §1.9 (personal data made up)."""
    body = {
        "token": token, "code": code, "sale_amount": 197.0, "currency_enum": 1, "currency_enum_key": "BRL",
        "payment_type_enum": 1, "payment_type_enum_key": "credit_card",
        "sale_status_enum": status, "sale_status_detail": "approved",
        "date_created": approved_now(), "date_approved": approved_now() if status == 2 else None,
        "product": {"code": "PPPBDC49", "name": "Curso Tráfego", "external_reference": None, "guarantee": 7},
        "customer": {
            "customer_type_enum": 1, "full_name": "Maria José da Silva", "email": "Maria.Silva@Example.com ",
            "identification_type": "CPF", "identification_number": "52998224725", "birthday": "1991-11-12",
            "phone_extension": "55", "phone_area_code": "31", "phone_number": "983323121",
            "ip": "2804:214:c003:ca1:b453:55f1:aad7:c837",
            "user_agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36",
            "zip_code": "30130-010", "city": "Belo Horizonte", "state": "MG", "country": "BR",
        },
        "metadata": {"src": src, "utm_source": "fb", "utm_campaign": "black-friday", "utm_content": "ad-42"},
        "webhook_owner": "PPA23BQQ",
    }
    body.update(extra)
    return body


# WhatsApp (issue 7): the app-level secret and verify token the API is configured with in tests, and a
# company's connected number. The secret is the test vector's of gateways.md §3.2.
WA_APP_SECRET = "test_app_secret_0123456789abcdef"
WA_VERIFY_TOKEN = "trackai-wa-verify-token"


def whatsapp_client(dsn: str, **overrides) -> TestClient:
    overrides.setdefault("whatsapp_app_secret", WA_APP_SECRET)
    overrides.setdefault("whatsapp_verify_token", WA_VERIFY_TOKEN)
    return api_client(dsn, **overrides)


def connect_whatsapp(dsn: str, company_id: str, waba_id: str | None = None, phone_number_id: str | None = None,
                     display_phone_number: str = "5531999990000") -> tuple[str, str]:
    """Connect a (new random, unless given) WABA and business number to the company: (waba_id, phone_number_id)."""
    waba_id = waba_id or str(10**14 + uuid.uuid4().int % 10**14)
    phone_number_id = phone_number_id or str(10**14 + uuid.uuid4().int % 10**14)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("select whatsapp.connect_number(%s, %s, %s, %s)",
                     (company_id, waba_id, phone_number_id, display_phone_number))
    return waba_id, phone_number_id


def process_ingest(dsn: str) -> int:
    """Run the ingest worker until its queue is empty (webhooks are processed after the 2xx)."""
    from jobs.registry import WORKERS

    worker, done = WORKERS["ingest"].worker(settings_for(dsn)), 0
    with psycopg.connect(dsn, autocommit=True) as conn:
        while n := worker.run_once(conn):
            done += n
    return done
