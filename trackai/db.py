"""Bringing a database to the current schema: local shim, pgmq, migrations, seed."""

from __future__ import annotations

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from core import migrate
from core.settings import ADMIN_ROLE, REPO_ROOT, Settings
from trackai import localdb

SHIM = REPO_ROOT / "supabase" / "shim" / "supabase_shim.sql"
SEED = REPO_ROOT / "supabase" / "seed.sql"


def as_admin(dsn: str) -> str:
    """The same local database as the cluster's superuser (local stack setup only)."""
    return make_conninfo(dsn, user=ADMIN_ROLE)


def prepare_local_database(dsn: str) -> None:
    """What hosted Supabase already has: roles, auth, extensions schema, publication, pg_cron.

    Run as the local superuser; pgmq is not among them: the first migration creates it as `postgres`,
    as on a hosted project (`create extension pgmq`)."""
    with psycopg.connect(as_admin(dsn), autocommit=True) as conn:
        conn.execute(SHIM.read_text())


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
    with psycopg.connect(as_admin(settings.dsn), autocommit=True) as conn:
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
