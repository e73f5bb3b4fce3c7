"""Through each dashboard view that became security_invoker (the Looker views of monitoring, revenue's
purchases and the rollup they read), a member of company A gets exactly A's rows, the rows the base
tables' RLS lets through: the same rows the view holds for A when read with every right, and none of
company B's. The Meta-wide breaker (no company) is everyone's."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.types.json import Jsonb

from tests.dispatchutil import kill_events
from tests.monitoringutil import add_attempts, add_sales, base_time, freeze, new_ref, record_events, tenant

VIEWS = ["monitoring.all_counts", "monitoring.companies", "monitoring.events_daily", "monitoring.duplicate_rate",
         "monitoring.error_rate", "monitoring.meta_latency", "monitoring.match_quality",
         "monitoring.dead_letters", "monitoring.breaker_states", "monitoring.accuracy",
         "monitoring.revenue_attribution_daily", "monitoring.revenue_campaign_daily", "monitoring.revenue_monthly",
         "monitoring.revenue_cohorts", "monitoring.revenue_payback", "monitoring.campaign_names", "revenue.purchases",
         "revenue.customer_purchases"]


def activity(conn: psycopg.Connection, company: str, destination: int) -> None:
    """Events (one duplicated), a sale, attempts, a dead letter with its fbtrace_id, a breaker, ad spend."""
    ref = new_ref()
    pks = record_events(conn, company, 4, prefix=ref)
    record_events(conn, company, 1, prefix=ref)
    add_sales(conn, company, pks[:2], conn.execute("select app.now()").fetchone()[0])
    add_attempts(conn, company, destination, 3, "sent", latency_ms=150)
    kill_events(conn, destination, pks[3:4])
    conn.execute("insert into delivery.breakers (scope, company_id, destination_id) values ('destination', %s, %s)"
                 " on conflict do nothing", (company, destination))
    day = conn.execute("select (app.now() at time zone 'America/Sao_Paulo')::date::text").fetchone()[0]
    conn.execute("select revenue.record_spend(%s, 'csv', %s)",
                 (company, Jsonb([{"day": day, "campaign_id": "c1", "campaign_name": "Campaign 1", "spend": "50.00"}])))
    conn.execute("select revenue.refresh_attribution(%s)", (company,))


@pytest.fixture(scope="module")
def companies(dsn):
    with psycopg.connect(dsn, autocommit=True) as conn:
        freeze(conn, base_time(conn, 2))
        a, dest_a = tenant(conn)
        b, dest_b = tenant(conn)
        activity(conn, a, dest_a)
        activity(conn, b, dest_b)
        conn.execute("select tests.create_user('invoker-member')")
        conn.execute("select tests.add_member(%s, 'invoker-member', 'viewer')", (a,))
    return a, b


def company_rows(conn: psycopg.Connection, view: str) -> dict[str | None, int]:
    rows = conn.execute(f"select company_id::text, count(*) from {view} group by 1").fetchall()  # noqa: S608
    return dict(rows)


@pytest.mark.parametrize("view", VIEWS)
def test_a_member_gets_their_companys_rows_and_not_another_companys(conn, companies, view):
    a, b = companies
    everything = company_rows(conn, view)
    assert a in everything and b in everything, f"{view}: the fixture gave it no rows of both companies"
    with conn.transaction():
        conn.execute("select tests.authenticate_as('invoker-member')")
        seen = company_rows(conn, view)
        conn.execute("select tests.clear_authentication()")
    assert seen == {k: n for k, n in everything.items() if k in (a, None)}


def test_every_view_tested_is_invoker_and_read_by_members(conn):
    rows = conn.execute("""select c.oid::regclass::text from pg_class c
                           where c.relkind = 'v' and 'security_invoker=true' = any(c.reloptions)
                             and has_table_privilege('authenticated', c.oid, 'select')
                             and c.relnamespace in ('monitoring'::regnamespace, 'revenue'::regnamespace)""")
    assert sorted(r[0] for r in rows) == sorted(VIEWS)
