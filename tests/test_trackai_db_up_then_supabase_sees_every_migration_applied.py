"""The project's own runner first (what `trackai db up` does), then the Supabase CLI: `supabase migration list`
shows every version as both local and remote, and `supabase db push` applies nothing."""

from __future__ import annotations

import psycopg

from core import migrate
from tests import supabase_cli


def test_after_the_projects_runner_the_cli_lists_every_version_on_both_sides_and_pushes_nothing(dsn, tmp_path):
    # `dsn` is a copy of the template, which the project's runner (core.migrate) built
    with psycopg.connect(dsn) as conn:
        assert conn.execute("select extversion from pg_extension where extname = 'pgmq'").fetchone() == ("1.4.4",)
        before = conn.execute("select version, statements from supabase_migrations.schema_migrations"
                              " order by version").fetchall()
    versions = [m.version for m in migrate.discover()]

    listed = supabase_cli.migration_list(tmp_path, dsn)
    assert [(m["local"], m["remote"]) for m in listed] == [(v, v) for v in versions]

    out = supabase_cli.push(tmp_path, dsn)
    assert "up to date" in out and "Applying migration" not in out, out
    with psycopg.connect(dsn) as conn:
        assert conn.execute("select version, statements from supabase_migrations.schema_migrations"
                            " order by version").fetchall() == before
