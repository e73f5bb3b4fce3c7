"""Declarative schema files (`supabase/schemas/`) and the migrations generated from them.

Functions, views, policies, triggers and grants each have one home: a file under
`supabase/schemas/<schema>/`, edited in place (`git log` of one file is the history of one function).
Tables, data rows, queues and cron schedules stay hand-written migrations. The files are applied in the
order `supabase/config.toml` lists them (`[db.migrations] schema_paths`, as the Supabase CLI reads it).

`new_migration(name)` writes the next migration: it builds a database from the migrations, applies
the files one by one, and copies each file that changed something (judged by `fingerprint`) into the
migration as written, plus a `drop` for each function, view, policy or trigger no file declares any more.
It then checks the result: migrations alone must give the same fingerprint as migrations plus files.
"""

from __future__ import annotations

import re
import tomllib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg import sql

from core import migrate
from core.settings import LOCAL_DB, REPO_ROOT, load, local_admin_dsn, local_dsn
from trackai import db as dbops
from trackai import localdb

SUPABASE_DIR = REPO_ROOT / "supabase"
SCHEMAS_DIR = SUPABASE_DIR / "schemas"
# the project's own schemas, in the order their migrations create them
SCHEMAS = ("app", "tracking", "delivery", "whatsapp", "monitoring", "setup", "revenue", "reporting")

# One row per object a schema file (or a migration) defines: (kind, identity, definition). Two
# databases with the same rows have the same functions, views, policies, triggers and privileges.
FINGERPRINT = """
with project as (
  select oid, nspname from pg_catalog.pg_namespace where nspname = any(%(schemas)s)
),
acl as (  -- privileges, sorted (their order in aclitem[] depends on history, not on meaning)
  select a.oid, a.kind, pg_catalog.array_to_string(array(
           select x::text from pg_catalog.unnest(a.acl) as x order by 1), ',') as list
  from (select c.oid, 'rel' as kind, c.relacl as acl from pg_catalog.pg_class c
        union all select p.oid, 'fn', p.proacl from pg_catalog.pg_proc p) as a
)
select 'function', p.oid::pg_catalog.regprocedure::text,
       pg_catalog.concat_ws(E'\\n', pg_catalog.pg_get_functiondef(p.oid), 'acl: ' || acl.list,
                            'comment: ' || pg_catalog.obj_description(p.oid, 'pg_proc'))
from pg_catalog.pg_proc p
join project n on n.oid = p.pronamespace
left join acl on acl.oid = p.oid and acl.kind = 'fn'
where not exists (select 1 from pg_catalog.pg_depend d where d.objid = p.oid and d.deptype = 'e')
union all
select case c.relkind when 'v' then 'view' else 'relation' end, c.oid::pg_catalog.regclass::text,
       pg_catalog.concat_ws(E'\\n', pg_catalog.pg_get_viewdef(c.oid), 'options: ' || c.reloptions::text,
                            'acl: ' || acl.list, 'comment: ' || pg_catalog.obj_description(c.oid, 'pg_class'),
                            'columns: ' || cols.list)
from pg_catalog.pg_class c
join project n on n.oid = c.relnamespace
left join acl on acl.oid = c.oid and acl.kind = 'rel'
left join lateral (
  select pg_catalog.string_agg(a.attname || '=' || a.attacl::text, ',' order by a.attnum) as list
  from pg_catalog.pg_attribute a where a.attrelid = c.oid and a.attacl is not null
) as cols on true
where c.relkind in ('r', 'p', 'v', 'S')
union all
select 'policy', po.schemaname || '.' || po.tablename || ' ' || po.policyname,
       pg_catalog.concat_ws(E'\\n', po.permissive, po.cmd, po.roles::text, po.qual, po.with_check)
from pg_catalog.pg_policies po
where po.schemaname = any(%(schemas)s)
union all
select 'trigger', t.tgrelid::pg_catalog.regclass::text || ' ' || t.tgname, pg_catalog.pg_get_triggerdef(t.oid)
from pg_catalog.pg_trigger t
join pg_catalog.pg_class c on c.oid = t.tgrelid
join project n on n.oid = c.relnamespace
where not t.tgisinternal
union all
select 'schema', n.nspname, pg_catalog.array_to_string(array(
         select x::text from pg_catalog.unnest(s.nspacl) as x order by 1), ',')
from project n join pg_catalog.pg_namespace s on s.oid = n.oid
order by 1, 2
"""


def fingerprint(conn: psycopg.Connection) -> dict[tuple[str, str], str]:
    rows = conn.execute(FINGERPRINT, {"schemas": list(SCHEMAS)}).fetchall()
    return {(kind, name): definition for kind, name, definition in rows}


def differences(a: dict, b: dict) -> list[str]:
    """What differs between two fingerprints, one line per object."""
    out = []
    for key in sorted(set(a) | set(b)):
        if key not in b:
            out.append(f"{key[0]} {key[1]}: only in the first")
        elif key not in a:
            out.append(f"{key[0]} {key[1]}: only in the second")
        elif a[key] != b[key]:
            out.append(f"{key[0]} {key[1]}: differs")
    return out


# ---- the files --------------------------------------------------------------------------------------

def files(supabase_dir: Path = SUPABASE_DIR) -> list[Path]:
    """The schema files in the order they are applied: config.toml's schema_paths, globs sorted."""
    config = tomllib.loads((supabase_dir / "config.toml").read_text())
    out: list[Path] = []
    for pattern in config["db"]["migrations"]["schema_paths"]:
        for path in sorted(supabase_dir.glob(pattern.removeprefix("./"))):
            if path not in out:
                out.append(path)
    return out


_NAME = r'(?:"[^"]+"|[a-z_][a-z0-9_]*)'
DECLARATIONS = {
    "function": re.compile(rf"^create\s+or\s+replace\s+function\s+({_NAME}\.{_NAME})\s*\(", re.I | re.M),
    "view": re.compile(rf"^create\s+or\s+replace\s+view\s+({_NAME}\.{_NAME})", re.I | re.M),
    "policy": re.compile(rf'^create\s+policy\s+("[^"]+"|{_NAME})\s+on\s+({_NAME}\.{_NAME})', re.I | re.M),
    "trigger": re.compile(rf"^create\s+or\s+replace\s+trigger\s+({_NAME})\s.*?\son\s+({_NAME}\.{_NAME})",
                          re.I | re.M | re.S),
}


def declared(paths: list[Path]) -> dict[tuple[str, str], list[Path]]:
    """(kind, name) -> the files that declare it: functions and views by schema.name, policies and
    triggers by 'schema.table name' (the fingerprint's names, without argument lists)."""
    out: dict[tuple[str, str], list[Path]] = {}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for kind, pattern in DECLARATIONS.items():
            for m in pattern.finditer(text):
                on_table = kind in ("policy", "trigger")
                name = f"{m.group(2)} {m.group(1).strip(chr(34))}" if on_table else m.group(1)
                out.setdefault((kind, name), []).append(path)
    return out


def fingerprint_name(kind: str, name: str) -> str:
    """The name declared() uses for a fingerprint key (functions lose their argument list)."""
    return name.split("(", 1)[0] if kind == "function" else name


def apply(conn: psycopg.Connection, paths: list[Path]) -> None:
    # as in a generated migration: a body may name a function a later file creates
    conn.execute("set check_function_bodies = off")
    for path in paths:
        conn.execute(path.read_text(encoding="utf-8"))


# ---- scratch databases on the local cluster -----------------------------------------------------------

@contextmanager
def scratch_database(prefix: str, migrations_dir: Path = migrate.MIGRATIONS_DIR) -> Iterator[str]:
    """A new database on the local cluster, prepared and migrated; dropped afterwards. Yields its DSN."""
    localdb.up(load())
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(local_admin_dsn(LOCAL_DB), autocommit=True) as admin:
        admin.execute(sql.SQL("create database {} owner postgres").format(sql.Identifier(name)))
    try:
        dsn = local_dsn(name)
        dbops.prepare_local_database(dsn)
        migrate.migrate(dsn, migrations_dir)
        yield dsn
    finally:
        with psycopg.connect(local_admin_dsn(LOCAL_DB), autocommit=True) as admin:
            admin.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


# ---- generating a migration ---------------------------------------------------------------------------

class SchemaError(RuntimeError):
    pass


def _drop(kind: str, name: str) -> str:
    if kind == "function":
        return f"drop function {name};"  # name carries the argument types (regprocedure)
    if kind == "view":
        return f"drop view {name};"
    table, _, obj = name.partition(" ")
    return f'drop {kind} "{obj}" on {table};'


def pending_changes(dsn: str, paths: list[Path]) -> tuple[list[Path], list[str]]:
    """On a database built from the migrations: the schema files that change it, in order (left applied),
    and the drops for what no file declares any more."""
    claimed = declared(paths)
    changed = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        before = fingerprint(conn)
        # triggers and policies before the functions they call
        order = ("trigger", "policy", "view", "function")
        drops = [_drop(kind, name) for kind, name in sorted(before, key=lambda row: order.index(row[0])
                                                             if row[0] in order else len(order))
                 if kind in order and (kind, fingerprint_name(kind, name)) not in claimed]
        for statement in drops:  # first, as in the migration: a file may re-create the name differently
            conn.execute(statement)
        before = fingerprint(conn)
        for path in paths:
            names = [name for kind, name in declared([path]) if kind == "function"]
            versions = _function_versions(conn, names)
            try:
                apply(conn, [path])
            except psycopg.Error as exc:
                raise SchemaError(f"{path.name}: {str(exc).strip().splitlines()[0]}") from None
            # a signature the file no longer declares is still there, untouched by `create or replace`
            # (beside the one the file made; a name the file only writes at run time, such as
            # tracking.adapt from tracking.write_adapt, has no signature made by applying it)
            now = _function_versions(conn, names)
            remade = {ident.split("(", 1)[0] for ident, xmin in now.items() if versions.get(ident) != xmin}
            for ident, xmin in now.items():
                if versions.get(ident) == xmin and ident.split("(", 1)[0] in remade:
                    drops.append(f"drop function {ident};")
                    conn.execute(drops[-1])
            after = fingerprint(conn)
            if after != before:
                changed.append(path)
            before = after
    return changed, drops


def _function_versions(conn: psycopg.Connection, names: list[str]) -> dict[str, str]:
    """regprocedure -> row version (xmin) of the functions with these schema.name names."""
    return dict(conn.execute(
        "select p.oid::pg_catalog.regprocedure::text, p.xmin::text from pg_catalog.pg_proc p"
        " join pg_catalog.pg_namespace n on n.oid = p.pronamespace where n.nspname || '.' || p.proname = any(%s)",
        (names,)).fetchall())


def render(name: str, supabase_dir: Path, changed: list[Path], drops: list[str]) -> str:
    parts = [f"-- Generated by `make migration name={name}` from supabase/schemas/ (edit those files, not this one).",
             "set local check_function_bodies = off;  -- bodies may name objects later in this file", ""]
    parts += drops
    for path in changed:
        parts += [f"-- ---- {path.relative_to(supabase_dir).as_posix()} ----",
                  path.read_text(encoding="utf-8").rstrip(), ""]
    return "\n".join(parts).rstrip() + "\n"


def new_migration(name: str, supabase_dir: Path = SUPABASE_DIR, now: datetime | None = None) -> Path | None:
    """Write migrations/<timestamp>_<name>.sql from the changed schema files; None when nothing changed.
    Refuses to write one that would leave the migrations disagreeing with the files."""
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise SchemaError("name the migration in lower case, digits and _ (e.g. name=dedup_window_48h)")
    migrations_dir = supabase_dir / "migrations"
    with scratch_database("trackai_schema_diff", migrations_dir) as dsn:
        changed, drops = pending_changes(dsn, files(supabase_dir))
        if not changed and not drops:
            return None
        with psycopg.connect(dsn) as conn:
            wanted = fingerprint(conn)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d%H%M%S")
    latest = max((m.version for m in migrate.discover(migrations_dir)), default="0")
    if stamp <= latest:
        stamp = str(int(latest) + 1)
    path = migrations_dir / f"{stamp}_{name}.sql"
    path.write_text(render(name, supabase_dir, changed, drops), encoding="utf-8")
    try:
        with scratch_database("trackai_schema_check", migrations_dir) as dsn, psycopg.connect(dsn) as conn:
            got = fingerprint(conn)
    except migrate.MigrationError:
        path.unlink()
        raise
    if got != wanted:
        path.unlink()
        raise SchemaError("the generated migration does not reproduce the schema files:\n"
                          + "\n".join(differences(got, wanted)[:20]))
    return path
