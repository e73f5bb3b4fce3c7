"""Supabase's security-definer-view check (the Security Advisor's lint 0010: a view in a schema the API
exposes, selectable by anon or authenticated, without security_invoker) finds no view: every view the
dashboard can read is security_invoker, so its rows pass the base tables' RLS. The owner-rights views
Looker Studio reads live in `reporting`, which the API does not expose and anon/authenticated cannot
reach; docs/dashboard.md lists every dashboard view as invoker."""

from __future__ import annotations

from tests import dashboard_doc

SECURITY_DEFINER_VIEWS = """
select n.nspname || '.' || c.relname
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where c.relkind = 'v'
  and n.nspname = any(%s)
  and (has_table_privilege('anon', c.oid, 'select') or has_table_privilege('authenticated', c.oid, 'select'))
  and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype = 'e')
  and not (lower(coalesce(c.reloptions::text, '{}'))::text []
           && array['security_invoker=1', 'security_invoker=true', 'security_invoker=yes', 'security_invoker=on'])
"""


def test_the_check_finds_no_view_in_the_exposed_schemas(conn):
    assert conn.execute(SECURITY_DEFINER_VIEWS, (dashboard_doc.exposed_schemas(),)).fetchall() == []


def test_every_view_docs_dashboard_lists_is_invoker():
    assert {kind for name, kind in dashboard_doc.relations().items() if kind.startswith("view")} == {"view, invoker"}


def test_the_reporting_schema_is_not_exposed_and_no_dashboard_role_reaches_it(conn):
    assert "reporting" not in dashboard_doc.exposed_schemas()
    assert conn.execute("""
        select r from unnest(array['anon', 'authenticated']) r
        where has_schema_privilege(r, 'reporting', 'usage')
           or exists (select 1 from pg_class c where c.relnamespace = 'reporting'::regnamespace
                      and has_table_privilege(r, c.oid, 'select'))""").fetchall() == []
