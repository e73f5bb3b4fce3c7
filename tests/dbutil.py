"""Test databases: one template built from the migrations per run, a cheap copy per test module."""

from __future__ import annotations

import os
import uuid

import psycopg
from psycopg import sql

from core import migrate
from core.settings import LOCAL_DB, REPO_ROOT, load, local_admin_dsn, local_dsn
from trackai import db as dbops
from trackai import localdb

# per test process, so several pytest runs can share the cluster
TEMPLATE = f"trackai_tpl_{os.getpid()}"
HELPERS = REPO_ROOT / "supabase" / "tests" / "helpers" / "test_helpers.sql"


def admin() -> psycopg.Connection:
    """The cluster's superuser, to create and drop test databases (owned by `postgres`, the app's role)."""
    return psycopg.connect(local_admin_dsn(LOCAL_DB), autocommit=True)


def _drop(conn: psycopg.Connection, name: str) -> None:
    conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def drop_leftovers() -> None:
    """Databases of test processes that died (killed runs) are dropped before a new run builds."""
    with admin() as conn:
        names = [r[0] for r in conn.execute(
            "select datname from pg_database where datname ~ '^trackai_tpl_[0-9]+$'")]
        for name in names:
            owner_pid = name.removeprefix("trackai_tpl_")
            if owner_pid.isdigit() and not _alive(int(owner_pid)):
                _drop(conn, name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def build_template() -> None:
    """Fresh every run: shim, pgmq, all migrations, pgTAP and the test helpers."""
    localdb.up(load())
    drop_leftovers()
    with admin() as conn:
        _drop(conn, TEMPLATE)
        conn.execute(sql.SQL("create database {} owner postgres").format(sql.Identifier(TEMPLATE)))
    dsn = local_dsn(TEMPLATE)
    try:
        dbops.prepare_local_database(dsn)
        migrate.migrate(dsn)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(HELPERS.read_text())
    except Exception:
        drop_template()
        raise


def drop_template() -> None:
    drop(TEMPLATE)


def clone(prefix: str) -> str:
    """A new database copied from the template; returns its name."""
    name = f"t_{prefix[:40]}_{uuid.uuid4().hex[:8]}".lower()
    with admin() as conn:
        conn.execute(sql.SQL("create database {} template {} owner postgres").format(
            sql.Identifier(name), sql.Identifier(TEMPLATE)))
        # as on Supabase, extensions resolve unqualified; tests adds the pgTAP helpers
        conn.execute(sql.SQL('alter database {} set search_path = "$user", public, extensions, tests')
                     .format(sql.Identifier(name)))
    return name


def create_empty(prefix: str, prepared: bool = True) -> str:
    """A brand-new database (not the template) owned by the app's role; prepared as hosted Supabase
    would be (roles, auth, publication) unless told otherwise. Returns its name."""
    name = f"t_{prefix[:40]}_{uuid.uuid4().hex[:8]}".lower()
    with admin() as conn:
        conn.execute(sql.SQL("create database {} owner postgres").format(sql.Identifier(name)))
    if prepared:
        dbops.prepare_local_database(local_dsn(name))
    return name


def drop(name: str) -> None:
    with admin() as conn:
        _drop(conn, name)
