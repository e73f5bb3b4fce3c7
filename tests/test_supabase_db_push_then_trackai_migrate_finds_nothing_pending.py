"""Deploying the way a Supabase user does: `supabase db push` applies every migration to a database with
pgmq 1.4.4 as a real extension, then the project's own runner finds nothing pending and complains of nothing."""

from __future__ import annotations

import psycopg
import pytest

from core import migrate
from core.settings import local_dsn
from tests import dbutil, supabase_cli


@pytest.fixture
def hosted_like(tmp_path):
    """A new database prepared as a hosted project is (roles, auth, publication), nothing migrated."""
    name = dbutil.create_empty("cli_push_first")
    try:
        yield local_dsn(name)
    finally:
        dbutil.drop(name)


def test_supabase_db_push_then_trackai_db_migrate_applies_and_refuses_nothing(hosted_like, tmp_path):
    out = supabase_cli.push(tmp_path, hosted_like)
    files = [m.path.name for m in migrate.discover()]
    assert all(f"Applying migration {f}" in out for f in files), out

    with psycopg.connect(hosted_like) as conn:
        assert conn.execute("select extversion from pg_extension where extname = 'pgmq'").fetchone() == ("1.4.4",)
        assert conn.execute("select rolsuper from pg_roles where rolname = current_user").fetchone() == (False,)
        assert migrate.pending(conn) == []
        recorded = conn.execute("select count(*) from supabase_migrations.schema_migrations").fetchone()[0]
    assert migrate.migrate(hosted_like) == []  # the runner's own path: no error, nothing applied
    with psycopg.connect(hosted_like) as conn:
        assert conn.execute("select count(*) from supabase_migrations.schema_migrations").fetchone()[0] == recorded
