"""`trackai doctor` against a fully migrated database passes every check and exits 0."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from trackai.cli import app


def test_doctor_against_a_migrated_database_passes_every_check(dsn):
    result = CliRunner().invoke(app, ["doctor", "--db-url", dsn], env={"DATABASE_URL": None})
    assert result.exit_code == 0, result.output
    rows = [line.split(None, 2) for line in result.stdout.strip().splitlines()]
    checks = {check: (status, detail) for status, check, detail in rows}
    assert set(checks) == {"connection", "listen/notify", "pgmq", "pg_cron", "pgcrypto", "roles", "schemas",
                           "realtime", "migrations"}, result.stdout
    # pg_cron lives only in the cluster's `postgres` database (cron.database_name): a per-test copy is told
    # so as a warning, which does not fail the run; everything else is ok
    assert checks.pop("pg_cron")[0] in ("ok", "warn"), result.stdout
    assert all(status == "ok" for status, _ in checks.values()), result.stdout


def test_doctor_json_says_ok(dsn):
    result = CliRunner().invoke(app, ["doctor", "--db-url", dsn, "--json"], env={"DATABASE_URL": None})
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["ok"] is True
    assert [c["status"] for c in out["checks"] if c["status"] not in ("ok", "warn")] == []
