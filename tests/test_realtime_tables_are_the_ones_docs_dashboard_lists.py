"""The Realtime contract in docs/dashboard.md is the publication: the same tables as
`supabase_realtime`, and for each the columns a member receives (those `authenticated` may select)."""

from __future__ import annotations

from tests import dashboard_doc


def test_docs_list_each_published_table_with_the_columns_a_member_receives(conn):
    published = {r[0]: r[1] for r in conn.execute(
        """select p.schemaname || '.' || p.tablename,
                  array_agg(a.attname::text order by a.attnum)
                    filter (where has_column_privilege('authenticated', a.attrelid, a.attnum, 'select'))
           from pg_publication_tables p
           join pg_attribute a on a.attrelid = (quote_ident(p.schemaname) || '.' || quote_ident(p.tablename))::regclass
                              and a.attnum > 0 and not a.attisdropped
           where p.pubname = 'supabase_realtime'
           group by 1""")}
    assert dashboard_doc.realtime_columns() == published
