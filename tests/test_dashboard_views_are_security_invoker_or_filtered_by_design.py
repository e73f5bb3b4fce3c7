"""Supabase's security-definer-view check (the Security Advisor's lint 0010: a view in a schema the API
exposes, selectable by anon or authenticated, without security_invoker) finds exactly the views
docs/dashboard.md marks "filtered by design"; each of those filters its rows by the caller
(monitoring.member_of) or reads only such views, and is a security barrier. Any other view the dashboard
can read must be security_invoker."""

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


def filtered() -> set[str]:
    return {name for name, kind in dashboard_doc.relations().items() if kind == "view, filtered"}


def test_the_check_finds_exactly_the_views_documented_as_filtered_by_design(conn):
    flagged = {r[0] for r in conn.execute(SECURITY_DEFINER_VIEWS, (dashboard_doc.exposed_schemas(),))}
    assert flagged == filtered()


def test_each_filtered_view_filters_by_the_caller_or_reads_only_filtered_views(conn):
    views = filtered()
    rows = conn.execute(
        """select v.oid::regclass::text, pg_get_viewdef(v.oid), coalesce(v.reloptions, '{}'),
                  array(select distinct r.oid::regclass::text from pg_depend d join pg_rewrite w on w.oid = d.objid
                        join pg_class r on r.oid = d.refobjid
                        where w.ev_class = v.oid and d.refobjid <> v.oid and r.relkind = 'v')
           from pg_class v where v.oid::regclass::text = any(%s)""", (list(views),)).fetchall()
    assert len(rows) == len(views)
    for name, body, options, sources in rows:
        assert "security_barrier=true" in options, name
        assert "monitoring.member_of(" in body or (sources and set(sources) <= views), name
