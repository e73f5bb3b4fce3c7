"""The Looker Studio login (looker_reader, LOGIN, no password in the migration) selects every view of the
reporting schema and sees every company; it cannot read any table, any other view (the invoker views of
monitoring included), any secret, nor run a project function. A per-tenant reader registered with
monitoring.add_reader reads the same views and sees only its company."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from tests.monitoringutil import base_time, freeze, record_events, tenant

VIEWS = ["companies", "events_daily", "duplicate_rate", "error_rate", "meta_latency", "fbtrace_events",
         "match_quality", "queue_depth", "dead_letters", "breaker_states", "setup_funnel", "accuracy",
         "campaign_names", "revenue_attribution_daily", "revenue_campaign_daily", "revenue_monthly", "revenue_cohorts",
         "revenue_payback"]


def as_role(dsn: str, role: str) -> psycopg.Connection:
    return psycopg.connect(dsn.replace("postgres@", f"{role}@", 1), autocommit=True)


@pytest.fixture(scope="module")
def companies(dsn):
    with psycopg.connect(dsn, autocommit=True) as conn:
        freeze(conn, base_time(conn, 1))
        a, _ = tenant(conn)
        b, _ = tenant(conn)
        record_events(conn, a, 3)
        record_events(conn, b, 2)
    return a, b


def test_looker_reader_selects_every_view_and_sees_every_company(dsn, companies):
    with as_role(dsn, "looker_reader") as conn:
        for view in VIEWS:
            conn.execute(f"select count(*) from (select * from reporting.{view}) v").fetchone()  # noqa: S608
        seen = {str(r[0]) for r in conn.execute("select distinct company_id from reporting.events_daily")}
        assert seen == set(companies)
        assert conn.execute("select count(*) from reporting.queue_depth").fetchone()[0] >= 3


def test_looker_reader_has_no_right_on_any_table_or_other_view(conn, companies):
    leaks = conn.execute(
        """
        select n.nspname || '.' || c.relname
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
          and n.nspname not in ('pg_catalog', 'information_schema')
          and not (n.nspname = 'reporting' and c.relname = any(%s))
          -- pgTAP's catalog views (granted to PUBLIC) exist only in test databases
          and not exists (select 1 from pg_depend d join pg_extension x on x.oid = d.refobjid
                          where d.objid = c.oid and d.deptype = 'e' and x.extname = 'pgtap')
          and (has_table_privilege('looker_reader', c.oid, 'select, insert, update, delete, truncate, references')
               or (c.relkind <> 'S' and has_any_column_privilege('looker_reader', c.oid, 'select, insert, update')))
        """, (VIEWS,)).fetchall()
    assert leaks == []


@pytest.mark.parametrize("query", [
    "select * from app.secrets", "select ciphertext from app.secrets", "select * from tracking.events",
    "select * from tracking.inbound", "select * from delivery.attempts", "select * from monitoring.daily_counts",
    "select * from monitoring.all_counts", "select * from monitoring.notifications", "select * from auth.users",
    "select * from pgmq.q_dispatch", "select monitoring.evaluate_alerts()",
    "select * from monitoring.events_daily", "select * from monitoring.setup_funnel",
    "select * from revenue.purchases", "select * from reporting.rows_of(null::monitoring.all_counts)",
    "select * from delivery.replay_dead(null)", "select monitoring.add_reader('looker_reader', null)",
    "select tracking.replay_failed(null)",
])
def test_looker_reader_is_refused_everything_else(dsn, companies, query):
    with as_role(dsn, "looker_reader") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(query)


def test_a_per_tenant_reader_sees_only_its_company(conn, dsn, companies):
    a, _ = companies
    role = f"looker_t_{uuid.uuid4().hex[:8]}"
    conn.execute(f'create role "{role}" login noinherit')
    try:
        conn.execute("select monitoring.add_reader(%s, %s)", (role, a))
        with as_role(dsn, role) as reader:
            for view in VIEWS:
                reader.execute(f"select count(*) from (select * from reporting.{view}) v").fetchone()  # noqa: S608
            for view in ("events_daily", "companies", "setup_funnel"):
                seen = {str(r[0]) for r in reader.execute(f"select distinct company_id from reporting.{view}")}  # noqa: S608
                assert seen == {a}, view
            assert reader.execute("select count(*) from reporting.queue_depth").fetchone()[0] == 0
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                reader.execute("select * from tracking.events")
    finally:
        conn.execute("delete from monitoring.readers where role_name = %s", (role,))
        # as on hosted Supabase, `postgres` is no superuser: it takes the role to drop what it was granted
        conn.execute(f'grant "{role}" to current_user')
        conn.execute(f'drop owned by "{role}"')
        conn.execute(f'drop role "{role}"')

