"""The dashboard's API surface is deliberate: every table and view `authenticated` may read in the
exposed schemas, and every function it may execute, is listed in docs/dashboard.md, and nothing listed
there is out of its reach (or in a schema config.toml does not expose)."""

from __future__ import annotations

from tests import dashboard_doc

PROJECT = ("public", "app", "tracking", "delivery", "setup", "monitoring", "revenue", "whatsapp")


def test_every_readable_table_and_view_is_listed_and_nothing_else(conn):
    schemas = dashboard_doc.exposed_schemas()
    readable = {r[0] for r in conn.execute(
        """select n.nspname || '.' || c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = any(%s) and c.relkind in ('r', 'p', 'v', 'm')
             and has_any_column_privilege('authenticated', c.oid, 'select')""", (list(PROJECT),))}
    listed = dashboard_doc.relations()
    assert set(listed) == readable
    assert {name.split(".")[0] for name in listed} <= set(schemas)


def test_views_are_marked_invoker_or_owner_rights_as_they_are(conn):
    kinds = {r[0]: r[1] for r in conn.execute(
        """select n.nspname || '.' || c.relname,
                  case when c.relkind = 'r' then 'table'
                       when coalesce(c.reloptions, '{}') && array['security_invoker=true', 'security_invoker=on']
                       then 'view, invoker' else 'view, owner rights' end
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname || '.' || c.relname = any(%s)""", (list(dashboard_doc.relations()),))}
    assert kinds == dashboard_doc.relations()


def test_every_executable_function_is_listed_and_nothing_else(conn):
    executable = {r[0] for r in conn.execute(
        """select distinct n.nspname || '.' || p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
           where n.nspname = any(%s) and has_function_privilege('authenticated', p.oid, 'execute')""",
        (list(PROJECT),))}
    assert dashboard_doc.functions() == executable
