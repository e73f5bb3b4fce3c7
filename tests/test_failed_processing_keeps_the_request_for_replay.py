"""A processing failure never loses an accepted request: the 200 is still given (the request is durable),
the inbound row goes to 'failed' with the error, and `trackai replay` re-processes it after the fix,
whatever the source (a Perfect Pay postback, a WhatsApp notification)."""

from __future__ import annotations

from typer.testing import CliRunner

from fakes import whatsapp as wa
from tests.apiutil import WA_APP_SECRET, api_client, connect_whatsapp, make_tenant, postback, whatsapp_client
from trackai.cli import app as cli

BREAK = """
create function tracking.test_break_sales() returns trigger language plpgsql set search_path = '' as $$
begin raise exception 'simulated processing bug'; end $$;
create trigger test_break_sales before insert on tracking.sales for each row
execute function tracking.test_break_sales();
"""


def test_a_failed_postback_is_kept_and_replayed_after_the_fix(dsn, conn, monkeypatch):
    tenant = make_tenant(dsn)
    conn.execute(BREAK)
    with api_client(dsn) as client:
        r = client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=postback(code="PP-BUG-1"))
    assert r.status_code == 200  # stored before the answer; the ingest worker's processing fails later
    inbound = r.json()["inbound_id"]
    status, error = conn.execute("select status, error from tracking.inbound where id = %s", (inbound,)).fetchone()
    assert status == "failed" and "simulated processing bug" in error
    # nothing half-written: no sale, no event, no dedup key, no queue message
    assert conn.execute("select count(*) from tracking.events where provider_ref = 'PP-BUG-1'").fetchone()[0] == 0
    assert conn.execute("select count(*) from tracking.sales where provider_ref = 'PP-BUG-1'").fetchone()[0] == 0

    conn.execute("drop trigger test_break_sales on tracking.sales")
    monkeypatch.setenv("DATABASE_URL", dsn)
    out = CliRunner().invoke(cli, ["replay", "--company", tenant.company_id])
    assert out.exit_code == 0, out.output
    assert f"inbound {inbound}: processed" in out.output
    assert conn.execute("select status from tracking.inbound where id = %s", (inbound,)).fetchone()[0] == "processed"
    assert conn.execute("select status from tracking.events where provider_ref = 'PP-BUG-1'").fetchone()[0] == "queued"


BREAK_WHATSAPP = """
create function whatsapp.test_break_messages() returns trigger language plpgsql set search_path = '' as $$
begin raise exception 'simulated mirror bug'; end $$;
create trigger test_break_messages before insert on whatsapp.messages for each row
execute function whatsapp.test_break_messages();
"""


def test_a_failed_whatsapp_notification_is_replayed_by_the_same_command(dsn, conn, monkeypatch):
    tenant = make_tenant(dsn)
    waba, number = connect_whatsapp(dsn, tenant.company_id)
    conn.execute(BREAK_WHATSAPP)
    with whatsapp_client(dsn) as client:
        fake = wa.WhatsAppFake("/webhooks/whatsapp", WA_APP_SECRET, client=client, waba_id=waba,
                               phone_number_id=number)
        wamid, r = fake.inbound_text("5531988887777", "Oi, quero comprar")
    [stored] = r.json()["stored"]
    assert r.status_code == 200 and stored["processing"] == "failed"

    conn.execute("drop trigger test_break_messages on whatsapp.messages")
    monkeypatch.setenv("DATABASE_URL", dsn)
    out = CliRunner().invoke(cli, ["replay", "--inbound", str(stored["inbound_id"])])
    assert out.exit_code == 0, out.output
    assert f"inbound {stored['inbound_id']}: processed" in out.output
    assert conn.execute("select count(*) from whatsapp.messages where wamid = %s", (wamid,)).fetchone()[0] == 1
