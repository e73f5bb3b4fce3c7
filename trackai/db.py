"""Bringing a database to the current schema: local shim, pgmq, migrations, seed."""

from __future__ import annotations

import psycopg
from pgmq.install import install_pgmq_from_sql
from psycopg import sql

from trackai import localdb, migrate
from trackai.settings import REPO_ROOT, Settings

SHIM = REPO_ROOT / "supabase" / "shim" / "supabase_shim.sql"
SEED = REPO_ROOT / "supabase" / "seed.sql"


def prepare_local_database(dsn: str) -> None:
    """What hosted Supabase already has: roles, auth, extensions schema, publication, pgmq."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(SHIM.read_text())
        has_schema = conn.execute("select 1 from pg_namespace where nspname = 'pgmq'").fetchone()
        offered = conn.execute("select 1 from pg_available_extensions where name = 'pgmq'").fetchone()
    if not has_schema and not offered:
        # the SQL-only pgmq the PyPI package ships (hosted Supabase: `create extension pgmq` instead)
        install_pgmq_from_sql(dsn=dsn)


def seed(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn, conn.transaction():
        conn.execute(SEED.read_text())


def up(settings: Settings, with_seed: bool = True) -> list[str]:
    """Start (if local) and migrate. Returns the migrations applied now."""
    if settings.is_local:
        localdb.up(settings)
        prepare_local_database(settings.dsn)
    applied = migrate.migrate(settings.dsn)
    if with_seed:
        seed(settings.dsn)
    return applied


def reset(settings: Settings) -> list[str]:
    """Drop the project's schemas and data and rebuild them (local cluster only)."""
    if not settings.is_local:
        raise RuntimeError("db reset only runs against the local cluster; refusing with DATABASE_URL set")
    localdb.up(settings)
    with psycopg.connect(settings.dsn, autocommit=True) as conn:
        conn.execute("select pg_drop_replication_slot(slot_name) from pg_replication_slots")
        # the app database is also pg_cron's database, so it is emptied in place rather than dropped
        conn.execute("drop extension if exists pg_cron cascade")
        conn.execute("drop publication if exists supabase_realtime")
        schemas = [r[0] for r in conn.execute(
            "select nspname from pg_namespace where nspname not like 'pg\\_%' and nspname not in "
            "('information_schema', 'public')"
        ).fetchall()]
        for s in schemas:
            conn.execute(sql.SQL("drop schema {} cascade").format(sql.Identifier(s)))
    return up(settings)
