"""`trackai doctor`: is this database ready for Track AI? One line per check; a failure says what to do.

Read-only: the checks write nothing (the migration bookkeeping `migrate.pending` creates is rolled back).
The connection comes first and is judged from the URL before connecting (Supabase's transaction
pooler on port 6543 is refused even when nothing answers there); the other checks need the connection
and are skipped without it.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from core import migrate
from core.settings import REPO_ROOT

PGMQ_MIN = (1, 4, 4)  # what hosted Supabase offers; the project uses only its API
SUPABASE_ROLES = ("anon", "authenticated", "service_role")
MIGRATIONS = REPO_ROOT / "supabase" / "migrations"
SESSION_POOLER = "postgresql://postgres.{ref}:<password>@aws-0-<region>.pooler.supabase.com:5432/postgres"
PUSH = 'node_modules/.bin/supabase db push --db-url "$DATABASE_URL"'
DIRECT_HOST = re.compile(r"^db\.([a-z0-9]+)\.supabase\.co$")


@dataclass(frozen=True)
class Result:
    check: str
    status: str  # ok | warn | FAIL | skip
    detail: str
    items: tuple[str, ...] = ()  # the full list where the line shows a few (pending migrations)


@dataclass(frozen=True)
class Target:
    url: str
    host: str
    port: str
    user: str
    dbname: str

    @classmethod
    def parse(cls, url: str) -> Target:
        p = conninfo_to_dict(url)
        return cls(url=url, host=p.get("host") or os.environ.get("PGHOST") or "localhost",
                   port=str(p.get("port") or os.environ.get("PGPORT") or "5432"),
                   user=p.get("user") or os.environ.get("PGUSER") or "",
                   dbname=p.get("dbname") or os.environ.get("PGDATABASE") or p.get("user") or "")

    @property
    def where(self) -> str:
        """host:port/db, never the password."""
        return f"{self.host}:{self.port}/{self.dbname}"

    @property
    def ref(self) -> str:
        """The Supabase project ref when the URL shows it, else a placeholder."""
        if m := DIRECT_HOST.match(self.host):
            return m.group(1)
        if self.user.startswith("postgres.") and self.user != "postgres.":
            return self.user.removeprefix("postgres.")
        return "<ref>"


# ---- before connecting ---------------------------------------------------------------------------

def check_pooler(target: Target) -> Result | None:
    """Port 6543 is Supabase's transaction pooler: no LISTEN, no session state. Judged from the URL."""
    if "6543" in target.port.split(","):
        return Result("connection", "FAIL",
                      f"{target.host}:6543 is Supabase's transaction pooler, which cannot be used: the workers "
                      "LISTEN for NOTIFY and keep session state; use the session pooler "
                      f"{SESSION_POOLER.format(ref=target.ref)} (Dashboard → Connect → Session pooler)")
    return None


def connect(target: Target) -> tuple[psycopg.Connection | None, Result]:
    try:
        conn = psycopg.connect(target.url, autocommit=True, connect_timeout=10, application_name="trackai-doctor")
    except psycopg.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        hint = "check host, port, user and password"
        if DIRECT_HOST.match(target.host):
            hint = (f"{target.host} is IPv6-only; from a network without IPv6 use the session pooler "
                    f"{SESSION_POOLER.format(ref=target.ref)}")
        elif target.host.endswith(".pooler.supabase.com") and "." not in target.user:
            hint = (f"the pooler needs the user postgres.<ref>, not {target.user or '(none)'}: "
                    f"{SESSION_POOLER.format(ref='<ref>')}")
        return None, Result("connection", "FAIL", f"cannot connect to {target.where}: {first}; {hint}")
    try:
        conn.execute("set statement_timeout = '15s'")
        user, version = conn.execute(
            "select current_user, split_part(current_setting('server_version'), ' ', 1)").fetchone()
    except psycopg.Error as exc:
        conn.close()
        return None, Result("connection", "FAIL", f"{target.where} answered but cannot run a query: "
                            f"{(str(exc).strip().splitlines() or [type(exc).__name__])[0]}")
    return conn, Result("connection", "ok", f"{target.where} as {user} (PostgreSQL {version})")


# ---- on the connection -----------------------------------------------------------------------------

def check_listen_notify(conn: psycopg.Connection, target: Target) -> Result:
    """The workers sleep on LISTEN: a NOTIFY must come back on the same session."""
    channel = f"trackai_doctor_{uuid.uuid4().hex[:12]}"
    conn.execute(sql.SQL("listen {}").format(sql.Identifier(channel)))
    try:
        conn.execute("select pg_notify(%s, 'ping')", (channel,))
        back = any(n.channel == channel for n in conn.notifies(timeout=5, stop_after=1))
    finally:
        conn.execute(sql.SQL("unlisten {}").format(sql.Identifier(channel)))
    if back:
        return Result("listen/notify", "ok", "a NOTIFY came back on this session")
    return Result("listen/notify", "FAIL",
                  "a NOTIFY did not come back on this session (a transaction-mode pooler?): the workers would "
                  f"never wake; use the session pooler {SESSION_POOLER.format(ref=target.ref)}")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", text)[:3])


def check_pgmq(conn: psycopg.Connection, target: Target) -> Result:
    ext = conn.execute("select extversion from pg_extension where extname = 'pgmq'").fetchone()
    minimum = ".".join(map(str, PGMQ_MIN))
    if ext:
        if _version(ext[0]) < PGMQ_MIN:
            return Result("pgmq", "FAIL", f"pgmq {ext[0]} is older than {minimum}: run `alter extension pgmq update;`")
        return Result("pgmq", "ok", f"extension pgmq {ext[0]} (needs >= {minimum})")
    if conn.execute("select 1 from pg_namespace where nspname = 'pgmq'").fetchone():
        return Result("pgmq", "FAIL", "schema pgmq exists but not as the extension (an SQL-only install?): "
                      "drop schema pgmq, then run `create extension pgmq;`")
    return Result("pgmq", "FAIL", "pgmq is missing: run `create extension pgmq;` or enable it in the dashboard "
                  "(Database → Extensions → pgmq)")


def check_pg_cron(conn: psycopg.Connection, target: Target) -> Result:
    ext = conn.execute("select extversion from pg_extension where extname = 'pg_cron'").fetchone()
    if ext:
        return Result("pg_cron", "ok", f"extension pg_cron {ext[0]}")
    cron_db, here = conn.execute(
        "select current_setting('cron.database_name', true), current_database()").fetchone()
    if cron_db and cron_db != here:
        # by design for the local per-test copies; on a deployment, point DATABASE_URL at cron_db
        return Result("pg_cron", "warn", f"pg_cron runs in database {cron_db}, not {here}: periodic jobs (retries, "
                      f"maintenance) are not scheduled here; deploy to database {cron_db}")
    return Result("pg_cron", "FAIL", "pg_cron is missing: run `create extension pg_cron;` or enable it in the "
                  "dashboard (Database → Extensions → pg_cron)")


def check_pgcrypto(conn: psycopg.Connection, target: Target) -> Result:
    row = conn.execute("select e.extversion, n.nspname from pg_extension e join pg_namespace n"
                       " on n.oid = e.extnamespace where e.extname = 'pgcrypto'").fetchone()
    if row:
        return Result("pgcrypto", "ok", f"extension pgcrypto {row[0]} in schema {row[1]}")
    return Result("pgcrypto", "FAIL", "pgcrypto is missing: run `create extension pgcrypto with schema extensions;` "
                  "or enable it in the dashboard (Database → Extensions → pgcrypto)")


def check_roles(conn: psycopg.Connection, target: Target) -> Result:
    have = {r[0] for r in conn.execute("select rolname from pg_roles where rolname = any(%s)", (list(SUPABASE_ROLES),))}
    if missing := [r for r in SUPABASE_ROLES if r not in have]:
        return Result("roles", "FAIL", f"role(s) {', '.join(missing)} missing: this is not a Supabase database "
                      "(hosted projects have them; locally `trackai db up` creates them from supabase/shim)")
    return Result("roles", "ok", ", ".join(SUPABASE_ROLES) + " exist")


def project_schemas(directory: Path = MIGRATIONS) -> list[str]:
    """Schemas the migrations create (and own), plus the CLI's bookkeeping schema."""
    found = set()
    for path in sorted(directory.glob("*.sql")):
        found.update(re.findall(r"(?im)^\s*create\s+schema\s+(?!if\s+not\s+exists)([a-z_][a-z0-9_]*)",
                                path.read_text(encoding="utf-8")))
    return sorted(found | {"supabase_migrations"})


def check_schemas(conn: psycopg.Connection, target: Target) -> Result:
    """The connecting role must create the schemas that are missing and own (be a member of) those that exist."""
    wanted = project_schemas()
    rows = conn.execute(
        "select n.nspname, r.rolname, pg_has_role(current_user, n.nspowner, 'MEMBER') from pg_namespace n"
        " join pg_roles r on r.oid = n.nspowner where n.nspname = any(%s)", (wanted,)).fetchall()
    user, can_create = conn.execute(
        "select current_user, has_database_privilege(current_database(), 'CREATE')").fetchone()
    foreign = [f"{name} (owner {owner})" for name, owner, member in rows if not member]
    if foreign:
        return Result("schemas", "FAIL", f"{user} does not own {', '.join(foreign)}: migrations must run as the "
                      "owner; connect as that role (hosted Supabase: user postgres.<ref>)")
    missing = sorted(set(wanted) - {r[0] for r in rows})
    if missing and not can_create:
        return Result("schemas", "FAIL", f"{user} cannot create schemas in database {target.dbname} (missing: "
                      f"{', '.join(missing)}): connect as postgres (hosted Supabase: user postgres.<ref>) or run "
                      f"`grant create on database {target.dbname} to {user};`")
    if not rows:
        return Result("schemas", "ok", f"{user} can create the {len(missing)} project schemas")
    return Result("schemas", "ok", f"{user} owns the {len(rows)} project schemas that exist"
                  + (f" and can create the {len(missing)} missing" if missing else ""))


def check_publication(conn: psycopg.Connection, target: Target) -> Result:
    if conn.execute("select 1 from pg_publication where pubname = 'supabase_realtime'").fetchone():
        return Result("realtime", "ok", "publication supabase_realtime exists")
    return Result("realtime", "FAIL", "publication supabase_realtime is missing (the dashboard's Realtime reads it): "
                  "run `create publication supabase_realtime;`")


def check_migrations(conn: psycopg.Connection, target: Target) -> Result:
    try:
        with conn.transaction(force_rollback=True):  # pending() may create its bookkeeping: never kept
            todo = [m.path.name for m in migrate.pending(conn)]
    except (psycopg.Error, migrate.MigrationError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return Result("migrations", "FAIL", f"cannot compare the migrations: {first}")
    if not todo:
        return Result("migrations", "ok", "every migration in supabase/migrations is applied")
    shown = ", ".join(todo[:4]) + (f" and {len(todo) - 4} more (`trackai doctor --json` lists all)"
                                   if len(todo) > 4 else "")
    return Result("migrations", "FAIL", f"{len(todo)} migration(s) pending: {shown}; run `{PUSH}`", tuple(todo))


CHECKS: list[Callable[[psycopg.Connection, Target], Result]] = [
    check_listen_notify, check_pgmq, check_pg_cron, check_pgcrypto, check_roles, check_schemas,
    check_publication, check_migrations,
]


def run(url: str) -> list[Result]:
    target = Target.parse(url)
    if refused := check_pooler(target):
        return [refused, _skipped()]
    conn, reached = connect(target)
    if conn is None:
        return [reached, _skipped()]
    results = [reached]
    with conn:
        for check in CHECKS:
            try:
                results.append(check(conn, target))
            except psycopg.Error as exc:
                first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                name = check.__name__.removeprefix("check_")
                results.append(Result(name, "FAIL", f"the check itself failed: {first}"))
                if conn.closed:
                    results.append(_skipped())
                    break
    return results


def _skipped() -> Result:
    return Result("other checks", "skip", "not run: they need a usable connection")


def failed(results: list[Result]) -> bool:
    return any(r.status == "FAIL" for r in results)


def render(results: list[Result], as_json: bool = False) -> str:
    if as_json:
        return json.dumps({"ok": not failed(results), "checks": [asdict(r) for r in results]}, indent=2)
    return "\n".join(f"{r.status:<5} {r.check:<14} {r.detail}" for r in results)
