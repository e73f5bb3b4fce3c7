"""Attribution benchmark (issue 22): one new sale attributed as it is recorded, against the old full
rebuild that pg_cron ran for every company every 15 minutes.

    .venv/bin/python -m bench.attribution [--purchases 1000000] [--companies 1000] [--samples 21]
                                          [--rebuild-companies 200]

A scratch database made from the migrations (bench.common.scratch_db) is loaded with generate_series
inserts straight into the tables (the attribution triggers disabled while loading): `--companies`
companies, `--purchases` approved sales spread over them and over 60 days, one visitor per sale with two
ad visits before it (a two-event visit on one campaign, then a one-event visit on another: 3 touchpoints
per sale), 10 named campaigns of spend per company. Then, timed:
1. the old full rebuild: revenue.refresh_attribution as the landed migration 20261129002000 defined it
   (one row per touchpoint, every company), what the cron job did every 15 minutes;
2. the new full rebuild (`trackai revenue rebuild` per company: the repair), on `--rebuild-companies` of
   them (median per company, and that times the companies: the old one above takes most of the run);
3. one new sale, `--samples` times in random companies: a visit and then tracking.upsert_sale with the
   triggers on, its attribution rows written in the same statement; beside it the same upsert with the
   attribution trigger off (the difference is what attributing costs), and revenue.attribute alone.
Prints medians; nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import time

import psycopg

from bench.common import scratch_db, write_result
from core.settings import REPO_ROOT

DB = "bench_attribution"
OLD = REPO_ROOT / "supabase" / "migrations" / "20261129002000_revenue.sql"
TRIGGERS = ("tracking.sales attribute_new_sales", "tracking.sales attribute_changed_sales",
            "tracking.touchpoints attribute_late_touches")

LOAD = [
    ("companies, settings, spend", """
        insert into app.companies (name, slug)
        select 'Bench ' || g, 'bench-attr-' || g from generate_series(1, %(companies)s) g;
        insert into revenue.settings (company_id, time_zone) select id, 'UTC' from app.companies;
        insert into revenue.spend (company_id, day, campaign_id, campaign_name, spend, source)
        select c.id, current_date - 1, '2385' || k, 'Campanha ' || k, 100, 'insights'
        from app.companies c cross join generate_series(0, 9) k;
    """),
    ("visitors", """
        insert into tracking.visitors (company_id, visitor_id, first_seen_at, last_seen_at)
        select c.id, 'bench-visitor-' || g, now() - interval '70 days', now()
        from (select id, row_number() over (order by id) as n from app.companies) c
        cross join generate_series(1, %(per_company)s) g;
    """),
    ("touchpoints (3 per sale)", """
        insert into tracking.touchpoints (company_id, visitor_id, occurred_at, event_name, url, fbclid,
                                          utm_source, utm_medium, utm_campaign)
        select v.company_id, v.visitor_id, b.at + make_interval(mins => e.i), e.name,
               case when e.i = 0 then 'https://loja.example.com/?campaign_id=2385' || e.k || '&fbclid=f' || e.k
                    else 'https://loja.example.com/checkout' end,
               'f' || e.k, 'facebook', 'paid', 'Campanha ' || e.k
        from tracking.visitors v
        cross join lateral (select now() - make_interval(days => (hashtext(v.visitor_id) & 59)) as at) b
        cross join lateral (values
            (0, 'PageView', hashtext(v.visitor_id) & 7),
            (1, 'InitiateCheckout', hashtext(v.visitor_id) & 7),
            (-1440, 'PageView', (hashtext(v.visitor_id) & 7) + 1)) e (i, name, k)
        where v.visitor_id like 'bench-visitor-%%';
    """),
    ("sales", """
        insert into tracking.sales (company_id, gateway, provider_ref, status, sale_effect, amount, currency,
                                    visitor_id, first_seen_at, approved_at)
        select v.company_id, 'perfectpay', 'B' || v.visitor_id, 'approved', 'sale', 97.00, 'BRL', v.visitor_id,
               b.at + interval '10 minutes', b.at + interval '10 minutes'
        from tracking.visitors v
        cross join lateral (select now() - make_interval(days => (hashtext(v.visitor_id) & 59)) as at) b
        where v.visitor_id like 'bench-visitor-%%';
    """),
]


def old_rebuild_function() -> str:
    """The landed revenue.refresh_attribution, as pg_temp.old_refresh_attribution."""
    text = OLD.read_text()
    m = re.search(r"create function revenue\.refresh_attribution\(company uuid\).*?\n\$\$;\n", text, re.S)
    return m[0].replace("create function revenue.refresh_attribution",
                        "create function pg_temp.old_refresh_attribution")


def triggers(conn: psycopg.Connection, on: bool, only: tuple[str, ...] = TRIGGERS) -> None:
    for t in only:
        table, name = t.split()
        conn.execute(f"alter table {table} {'enable' if on else 'disable'} trigger {name}")


def timed(conn: psycopg.Connection, sql: str, params: tuple = ()) -> float:
    started = time.perf_counter()
    conn.execute(sql, params)
    return (time.perf_counter() - started) * 1000


def one_sale(conn: psycopg.Connection, company: str, n: int) -> float:
    visitor = f"bench-new-{n}-{random.randrange(10**9)}"
    conn.execute("select tracking.touch_visitor(%s, %s, now() - interval '1 hour', '{}')", (company, visitor))
    conn.execute("insert into tracking.touchpoints (company_id, visitor_id, occurred_at, url, utm_campaign)"
                 " values (%s, %s, now() - interval '1 hour', 'https://loja.example.com/?campaign_id=23851',"
                 " 'Campanha 1')", (company, visitor))
    return timed(conn, "select tracking.upsert_sale(%s, 'perfectpay', %s, 'approved', 'sale', 197, 'BRL', 'X',"
                       " 'Curso', %s, '{}', now(), null)", (company, f"N{visitor}", visitor))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--purchases", type=int, default=1_000_000)
    ap.add_argument("--companies", type=int, default=1000)
    ap.add_argument("--samples", type=int, default=21)
    ap.add_argument("--rebuild-companies", type=int, default=200)
    args = ap.parse_args()
    dsn = scratch_db(DB)
    out: list[str] = []

    def say(line: str) -> None:
        print(line, flush=True)
        out.append(line)

    with psycopg.connect(dsn, autocommit=True) as conn:
        triggers(conn, False)
        params = {"companies": args.companies, "per_company": args.purchases // args.companies}
        for name, sql in LOAD:
            started = time.perf_counter()
            for statement in filter(str.strip, sql.split(";\n")):
                conn.execute(statement, params)
            say(f"loaded {name} in {time.perf_counter() - started:.1f} s")
        conn.execute("analyze")
        companies = [r[0] for r in conn.execute("select id::text from app.companies order by id")]
        sales = conn.execute("select count(*) from tracking.sales").fetchone()[0]
        touches = conn.execute("select count(*) from tracking.touchpoints").fetchone()[0]
        say(f"{sales:,} purchases, {touches:,} touchpoints, {len(companies):,} companies")

        conn.execute(old_rebuild_function())
        started = time.perf_counter()
        per_old = [timed(conn, "select pg_temp.old_refresh_attribution(%s)", (c,)) for c in companies]
        old_total = time.perf_counter() - started
        old_rows = conn.execute("select count(*) from revenue.attributions").fetchone()[0]
        say(f"old full rebuild (every company, as the 15-minute cron did): {old_total:.1f} s, {old_rows:,} rows;"
            f" median {statistics.median(per_old):.1f} ms per company")

        per_new = [timed(conn, "select revenue.refresh_attribution(%s)", (c,))
                   for c in companies[:args.rebuild_companies]]
        new_ms = statistics.median(per_new)
        say(f"new full rebuild (the repair command, not scheduled), {len(per_new):,} companies: median"
            f" {new_ms:.1f} ms per company, so {new_ms * len(companies) / 1000:.1f} s for all {len(companies):,}")
        conn.execute("analyze revenue.attributions")

        triggers(conn, True)
        picks = random.sample(companies, min(args.samples, len(companies)))
        with_attr = [one_sale(conn, c, i) for i, c in enumerate(picks)]
        triggers(conn, False, ("tracking.sales attribute_new_sales",))
        without = [one_sale(conn, c, i) for i, c in enumerate(picks)]
        triggers(conn, True, ("tracking.sales attribute_new_sales",))
        keys = conn.execute("select company_id::text, purchase_key from revenue.attributions"
                            " where model = 'last_touch' order by random() limit %s", (args.samples,)).fetchall()
        alone = [timed(conn, "select revenue.attribute(%s, array[%s])", k) for k in keys]
        say(f"one new sale, tracking.upsert_sale with its attribution (same statement): median"
            f" {statistics.median(with_attr):.1f} ms (max {max(with_attr):.1f}); without the attribution trigger:"
            f" {statistics.median(without):.1f} ms; revenue.attribute of one purchase alone:"
            f" {statistics.median(alone):.1f} ms ({len(picks)} samples)")
    path = write_result("attribution", "# Attribution\n\n" + "\n".join(f"- {line}" for line in out) + "\n")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
