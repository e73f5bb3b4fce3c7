"""Supabase's own lint (`supabase db lint`: plpgsql_check over every function) reports nothing at warning level.

Run on the main database, which `make test` migrates first: like a hosted project it has pg_cron, which
app.schedule calls (a per-test copy has none, so plpgsql_check would rightly report `cron` missing there)."""

from __future__ import annotations

import psycopg

from core.settings import LOCAL_DB, local_admin_dsn, local_dsn
from tests import supabase_cli


def test_supabase_db_lint_finds_no_issue_at_warning_level(tmp_path):
    # hosted Supabase lets the CLI create plpgsql_check itself; locally only the superuser may
    with psycopg.connect(local_admin_dsn(LOCAL_DB), autocommit=True) as conn:
        conn.execute("create extension if not exists plpgsql_check")
    res = supabase_cli.run(tmp_path, "db", "lint", "--db-url", supabase_cli.url(local_dsn(LOCAL_DB)),
                           "--level", "warning", "--fail-on", "warning")
    linted = [line for line in res.stderr.splitlines() if line.startswith("Linting schema:")]
    assert {"Linting schema: tracking", "Linting schema: delivery", "Linting schema: setup"} <= set(linted), res.stderr
    assert "No schema errors found" in res.stdout + res.stderr, res.stdout
