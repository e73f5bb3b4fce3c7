"""A processing failure never loses an accepted request: the 200 is still given (the request is durable),
the inbound row goes to 'failed' with the error, and `trackai replay` re-processes it after the fix."""

from __future__ import annotations

from typer.testing import CliRunner

from tests.apiutil import api_client, make_tenant, postback
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
    assert r.status_code == 200 and r.json()["processing"] == "failed"
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
