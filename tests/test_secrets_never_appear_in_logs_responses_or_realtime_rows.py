"""A journey through every entry point and worker with every kind of secret configured (Meta token,
Perfect Pay token, Mercado Pago access token and webhook secret, WhatsApp app secret and verify token,
an API key, the metrics token, TRACKAI_SECRET_KEY): no secret - nor its base64 or URL encoding - is in
the JSON logs, any HTTP response (body or header), or the rows Realtime streams (wal2json slot)."""

from __future__ import annotations

import base64
import io
import logging
import os
import secrets
import uuid
from urllib.parse import quote, quote_plus

import psycopg
import pytest

from core import logs, tenants
from fakes import whatsapp as wa
from fakes.base import serve
from fakes.mercadopago import MercadoPagoFake, signed_notification
from jobs.base import QueueWorker
from jobs.mercadopago import MercadoPagoFetcher
from tests.apiutil import BEHIND_PROXY, ORIGIN, api_client, connect_whatsapp, postback, process_ingest, settings_for
from tests.dispatchutil import (
    UA,
    capture_all_logs,
    dispatch_settings,
    drain,
    keyring,
    meta_fake,
    new_pixel,
    new_token,
    worker,
)


def encodings(secret: str) -> set[str]:
    raw = secret.encode()
    b64 = {base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()}
    return {secret, quote(secret, safe=""), quote_plus(secret)} | b64 | {b.rstrip("=") for b in b64}


@pytest.fixture
def realtime_slot(dsn):
    """A wal2json slot on this database, read as Supabase Realtime reads the published tables."""
    slot = f"secrets_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("select pg_create_logical_replication_slot(%s, 'wal2json')", (slot,))
        tables = ",".join(f"{s}.{t}" for s, t in conn.execute(
            "select schemaname, tablename from pg_publication_tables where pubname = 'supabase_realtime'"))

        def changes() -> list[str]:
            return [r[0] for r in conn.execute(
                "select data from pg_logical_slot_get_changes(%s, null, null, 'format-version', '2',"
                " 'add-tables', %s)", (slot, tables))]
        try:
            yield changes
        finally:
            conn.execute("select pg_drop_replication_slot(%s)", (slot,))


def test_no_secret_leaves_through_logs_responses_or_realtime(dsn, conn, realtime_slot):
    pixel, meta_token = new_pixel(), new_token()
    pp_token = secrets.token_hex(16)
    mp_access, mp_webhook = f"APP_USR-{secrets.token_hex(16)}", f"mpwh-{secrets.token_hex(16)}"
    wa_secret, wa_verify = f"wasecret-{secrets.token_hex(16)}", f"waverify-{secrets.token_hex(12)}"
    metrics_token = f"metrics-{secrets.token_hex(12)}"

    slug = f"s-{uuid.uuid4().hex[:10]}"
    company = tenants.create_company(conn, "Loja " + slug, slug)
    pp_key = tenants.add_endpoint(conn, company, "perfectpay", pp_token)
    collector = tenants.add_endpoint(conn, company, "collector")
    mp_key = tenants.add_endpoint(conn, company, "mercadopago")
    tenants.put_secret(conn, keyring(), company, "mercadopago_webhook_secret", mp_webhook)
    tenants.put_secret(conn, keyring(), company, "mercadopago_access_token", mp_access)
    tenants.allow_origin(conn, company, ORIGIN)
    api_key = tenants.add_api_key(conn, company).plaintext
    tenants.add_destination(conn, keyring(), company, pixel, meta_token)
    waba, phone = connect_whatsapp(dsn, company)
    configured = {"Meta token": meta_token, "Perfect Pay token": pp_token, "Mercado Pago access token": mp_access,
                  "Mercado Pago webhook secret": mp_webhook, "WhatsApp app secret": wa_secret,
                  "WhatsApp verify token": wa_verify, "API key": api_key, "metrics token": metrics_token,
                  "TRACKAI_SECRET_KEY": os.environ["TRACKAI_SECRET_KEY"],
                  "TRACKAI_SECRET_KEY material": os.environ["TRACKAI_SECRET_KEY"].split(":", 1)[1]}

    json_logs = io.StringIO()
    handler = logging.StreamHandler(json_logs)
    handler.setFormatter(logs.JsonFormatter())
    responses: list[str] = []

    def keep(response) -> None:
        response.read()
        responses.append(f"{response.status_code} {dict(response.headers)} {response.text}")

    mp = MercadoPagoFake()
    mp.add_token(mp_access)
    payment = mp.add_payment(status="approved", transaction_amount=197.0)
    logging.getLogger("trackai").addHandler(handler)
    try:
        with capture_all_logs() as records, meta_fake((pixel, meta_token)) as (fake, meta_url), \
                serve(mp.app) as mp_server, \
                api_client(dsn, whatsapp_app_secret=wa_secret, whatsapp_verify_token=wa_verify,
                           metrics_token=metrics_token, **BEHIND_PROXY) as client:
            client.event_hooks = {"request": [], "response": [keep]}
            visitor = f"v-{uuid.uuid4().hex[:12]}"
            client.post("/collect", params={"key": collector},
                        headers={"Origin": ORIGIN, "User-Agent": UA, "X-Forwarded-For": "200.1.2.3"},
                        json={"event_name": "PageView", "event_id": f"pv-{visitor}", "visitor_id": visitor,
                              "url": f"{ORIGIN}/oferta?fbclid=IwAR{uuid.uuid4().hex}"})
            sale = postback(code=f"SEC-{uuid.uuid4().hex[:8]}", token=pp_token, src=visitor)
            assert client.post(f"/webhooks/perfectpay/{pp_key}", json=sale).status_code == 200
            assert client.post(f"/webhooks/perfectpay/{pp_key}", json={**sale, "token": "wrong"}).status_code == 401
            query, headers, body = signed_notification(payment["id"], mp_webhook)
            assert client.post(f"/webhooks/mercadopago/{mp_key}", params=query, headers=headers,
                               json=body).status_code == 200
            query, headers, body = signed_notification(payment["id"], "not-the-secret")
            assert client.post(f"/webhooks/mercadopago/{mp_key}", params=query, headers=headers,
                               json=body).status_code == 401
            chat = wa.WhatsAppFake("/webhooks/whatsapp", wa_secret, client=client, waba_id=waba,
                                   phone_number_id=phone, display_phone_number="5531999990000")
            customer = "5531" + str(uuid.uuid4().int % 10**9).zfill(9)
            chat.inbound_text(customer, "Oi! Vi o anúncio", referral=wa.referral(ctwa_clid=wa.new_ctwa_clid()))
            chat.post(chat.envelope(messages=[wa.text_message(customer, "forjada")]), app_secret="not-the-secret")
            assert client.get("/webhooks/whatsapp", params={"hub.mode": "subscribe", "hub.verify_token": wa_verify,
                                                            "hub.challenge": "1158201444"}).status_code == 200
            client.get("/webhooks/whatsapp", params={"hub.mode": "subscribe", "hub.verify_token": "wrong",
                                                     "hub.challenge": "1158201444"})
            for key in (api_key, "tai_wrong"):
                client.post("/api/meta/conversions", headers={"X-Api-Key": key}, json={
                    "event_name": "Lead", "event_id": f"lead-{uuid.uuid4().hex}", "event_source_url": f"{ORIGIN}/",
                    "user_data": {"em": "lead@example.com", "client_user_agent": UA}})
            assert client.post("/api/v1/whatsapp/sales", headers={"Authorization": f"Bearer {api_key}"}, json={
                "wa_id": customer, "value": 297.0, "sale_ref": f"wa-{uuid.uuid4().hex[:10]}"}).status_code == 201
            client.get("/metrics", headers={"Authorization": f"Bearer {metrics_token}"})
            client.get("/metrics", headers={"Authorization": "Bearer wrong"})
            client.get("/health")

            process_ingest(dsn)  # the ingest worker's part of the postback
            fetcher = MercadoPagoFetcher(settings_for(dsn, mercadopago_api_url=mp_server.url))
            with psycopg.connect(dsn, autocommit=True) as wconn:
                while QueueWorker(dsn, "mercadopago", fetcher.handle, batch=50, vt_s=1).run_once(wconn):
                    pass
            fake.fail_next(1, "server_error")  # the retry path logs too
            queued = ("select count(*) from tracking.events where company_id = %s"
                      " and status in ('received', 'queued', 'retrying')")
            drain(worker(dispatch_settings(dsn, meta_url)), dsn,
                  lambda c: c.execute(queued, (company,)).fetchone()[0] == 0, timeout_s=30)
            # the browser event, the postback, the Mercado Pago sale, the API lead, the WhatsApp sale
            assert len(fake.accepted_events(pixel_id=pixel)) == 5
    finally:
        logging.getLogger("trackai").removeHandler(handler)

    realtime = realtime_slot()
    assert json_logs.getvalue() and responses and realtime, "the journey produced nothing to search"
    # the TestClient plays the providers calling us: its own request lines (logged by httpx, or httpx2 where
    # Starlette's TestClient finds it installed) are not our logs; our clients' request lines stay in
    ours = [line for line in records.lines
            if not (line.startswith(("httpx ", "httpx2 ")) and "http://testserver" in line)]
    searched = {"JSON logs": json_logs.getvalue(), "log records": "\n".join(ours),
                "HTTP responses": "\n".join(responses), "Realtime rows": "\n".join(realtime)}
    hits = [f"{name} in {where}" for name, secret in configured.items() for where, text in searched.items()
            if any(form in text for form in encodings(secret))]
    assert not hits, hits
