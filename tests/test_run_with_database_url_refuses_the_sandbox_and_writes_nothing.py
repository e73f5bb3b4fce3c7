"""`trackai run` (`make run`) with DATABASE_URL set does not run the sandbox journey and writes nothing there.

It says why and how to ask for the sandbox anyway, checks the database as `trackai doctor` does, and
starts only the API and the workers (no fakes); with a database that is not ready it starts nothing.
"""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql
from typer.testing import CliRunner

from core.settings import load, local_dsn
from tests import dbutil
from trackai import processes, sandbox
from trackai.cli import app


def not_local(dsn: str) -> str:
    """The same test database, spelled as a DATABASE_URL would be (settings.is_local is False for any)."""
    return dsn.replace("@127.0.0.1:", "@localhost:")


def snapshot(dsn: str) -> dict:
    """Schemas, extensions and the row count of every table: what a write would change."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute(
            "select format('%I.%I', n.nspname, c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            " where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')"
            " and n.nspname not like 'pg_toast%' order by 1")]
        return {
            "schemas": [r[0] for r in conn.execute("select nspname from pg_namespace order by 1")],
            "extensions": [r[0] for r in conn.execute("select extname from pg_extension order by 1")],
            "rows": {t: conn.execute(sql.SQL("select count(*) from {}").format(sql.SQL(t))).fetchone()[0]
                     for t in tables},
        }


@pytest.fixture
def started(monkeypatch, tmp_path):
    """Processes the run would start, recorded instead of started; pid files and logs in a temporary dir."""
    names: list[str] = []
    monkeypatch.setattr(processes, "start", lambda settings, name, args, env=None: names.append(name) or 0)
    monkeypatch.setattr(sandbox, "wait_http", lambda url, **_: {"status": "ok", "down": [], "parts": {}})
    monkeypatch.setenv("TRACKAI_LOCAL_DIR", str(tmp_path))
    return names


def invoke_run(database_url: str):
    return CliRunner().invoke(app, ["run"], env={"DATABASE_URL": database_url, "TRACKAI_SANDBOX_ON_HOSTED": None})


def test_make_run_with_database_url_refuses_the_sandbox_writes_nothing_and_starts_api_and_workers(dsn, started):
    before = snapshot(dsn)
    result = invoke_run(not_local(dsn))
    assert result.exit_code == 0, result.output
    refusal = [line for line in result.stdout.splitlines() if line.startswith("[sandbox]")]
    assert len(refusal) == 1, result.stdout
    assert "not run: DATABASE_URL is set" in refusal[0]
    assert "auth.users" in refusal[0] and "Perfect Pay token" in refusal[0]  # why
    assert "TRACKAI_SANDBOX_ON_HOSTED=1 make run" in refusal[0]  # how
    assert snapshot(dsn) == before
    with psycopg.connect(dsn) as conn:
        assert conn.execute("select count(*) from app.companies where slug = %s",
                            (sandbox.SANDBOX_SLUG,)).fetchone()[0] == 0
    assert started[0] == "api" and all(n.startswith("worker-") for n in started[1:]) and len(started) > 1, started
    assert "[workers] running:" in result.stdout


def test_a_database_that_is_not_ready_gets_the_doctor_lines_and_nothing_is_started_or_written(started):
    name = dbutil.create_empty("run_hosted_empty", prepared=False)
    try:
        before = snapshot(local_dsn(name))
        result = invoke_run(not_local(local_dsn(name)))
        assert result.exit_code != 0, result.output
        assert any(line.startswith("[doctor] FAIL  migrations") for line in result.stdout.splitlines()), result.stdout
        assert "nothing was started" in result.stderr
        assert snapshot(local_dsn(name)) == before
        assert started == []
    finally:
        dbutil.drop(name)


def test_the_sandbox_itself_refuses_a_database_url_unless_allowed(dsn, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", not_local(dsn))
    before = snapshot(dsn)
    with pytest.raises(sandbox.SandboxRefused, match="TRACKAI_SANDBOX_ON_HOSTED=1"):
        sandbox.main(load())
    assert snapshot(dsn) == before
