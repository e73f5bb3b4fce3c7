"""`trackai dlq replay` re-queues dead letters, filtered by company, Meta error code and time, and logs
each replay (actor cli:<user>, the filter, the count)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from tests.dispatchutil import kill_events, new_pixel, new_tenant, new_token, record_events, statuses
from trackai.cli import app


def run(monkeypatch, dsn, *args):
    monkeypatch.setenv("DATABASE_URL", dsn)
    result = CliRunner().invoke(app, ["dlq", "replay", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_cli_replays_by_company_and_error_code_and_logs_it(conn, dsn, monkeypatch):
    a, dest_a = new_tenant(conn, new_pixel(), new_token())
    b, dest_b = new_tenant(conn, new_pixel(), new_token())
    a100 = record_events(conn, a, 2)
    kill_events(conn, dest_a, a100, code=100)
    a2 = record_events(conn, a, 2)
    kill_events(conn, dest_a, a2, code=2, http_status=500)
    b100 = record_events(conn, b, 3)
    kill_events(conn, dest_b, b100, code=100)
    slug_a = conn.execute("select slug from app.companies where id = %s", (a,)).fetchone()[0]

    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    out = run(monkeypatch, dsn, "--company", slug_a, "--error-code", "100", "--since", tomorrow)
    assert out["replayed"] == 0  # nothing died in the future

    out = run(monkeypatch, dsn, "--company", slug_a, "--error-code", "100")
    assert out["replayed"] == 2 and out["replays"][0]["company_id"] == a
    assert statuses(conn, a100) == {"queued": 2} and statuses(conn, a2) == {"dead": 2}
    assert statuses(conn, b100) == {"dead": 3}

    out = run(monkeypatch, dsn, "--error-code", "100")  # every company
    assert out["replayed"] == 3 and statuses(conn, b100) == {"queued": 3}

    queued = {r[0] for r in conn.execute("select (message->>'event')::bigint from pgmq.q_dispatch")}
    assert set(a100 + b100) <= queued and not set(a2) & queued
    log = conn.execute("select company_id::text, actor, via, filter, event_count"
                       " from delivery.replays order by id").fetchall()
    assert [(r[0], r[2], r[4]) for r in log] == [(a, "cli", 2), (b, "cli", 3)]
    assert log[0][1].startswith("cli:") and log[0][3] == {"company_id": a, "error_code": 100}
