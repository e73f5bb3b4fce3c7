"""Benchmark: every monitoring view on 1,000,000 events (target < 200 ms each, median of 5 runs).

    .venv/bin/python -m bench.monitoring_views [--events 1000000] [--days 90] [--keep]

A scratch database made from the migrations (bench.common.scratch_db) is loaded with generate_series
inserts straight into the tables - 50 companies, the events over `--days` days with a realistic status
mix, one request to Meta per two events, a gateway sale per three events, duplicates and dead letters -
through the same statement-level triggers production uses, then folded and analysed. Each view is
timed as the Looker Studio login (looker_reader) reads it (reporting.*); lookup views with the filter Looker or the
runbook puts on them. Figures go to stdout and bench/results/monitoring_views.md.
"""

from __future__ import annotations

import argparse
import statistics
import time

import psycopg

from bench.common import scratch_db, write_result
from tests import dbutil

COMPANIES = 50
CHUNK = 100_000

LOAD = [
    ("companies and destinations", """
        insert into app.companies (name, slug)
        select 'Bench ' || g, 'bench-' || g from generate_series(1, %(companies)s) g;
        insert into delivery.destinations (company_id, pixel_id, created_at)
        select id, (100000000000000 + row_number() over ())::text, now() - interval '120 days'
        from app.companies;
    """),
    ("events", """
        insert into tracking.events (company_id, destination_id, source, provider_ref, event_id, event_name,
            event_time, action_source, event_source_url, user_data, custom_data, match_quality, request_id,
            status, received_at, queued_at, sent_at, retrying_at, next_attempt_at, dead_at, last_error,
            skipped_at, skip_reason)
        select d.company_id, d.id, s.source, 'ref-' || g, md5(g::text), s.event_name, t.at, 'website',
               'https://loja.example.com.br/obrigado',
               jsonb_build_object('em', md5('em' || g) || md5('x' || g), 'client_user_agent', 'Mozilla/5.0'),
               jsonb_build_object('value', 97 + g %% 500, 'currency', 'BRL'), (g %% 101) / 10.0,
               'req-' || g, st.status, t.at,
               case when st.status <> 'skipped' then t.at end,
               case when st.status = 'sent' then t.at + interval '2 seconds' end,
               case when st.status = 'retrying' then t.at + interval '5 seconds' end,
               case when st.status = 'retrying' then t.at + interval '35 seconds' end,
               case when st.status = 'dead' then t.at + interval '1 hour' end,
               case when st.status = 'dead' then
                 (array['invalid_parameter: Meta error 100', 'max_attempts_exhausted: gave up'])[1 + g %% 2] end,
               case when st.status = 'skipped' then t.at end,
               case when st.status = 'skipped' then 'event_time_older_than_7_days' end
        from generate_series(%(lo)s, %(hi)s) g
        cross join lateral (select now() - (g::float8 / %(events)s * %(days)s * 86400) * interval '1 second' as at) t
        cross join lateral (select case
            when g %% 100 < 85 then 'sent' when g %% 100 < 88 then 'dead' when g %% 100 < 93 then 'skipped'
            when g %% 100 < 98 then 'queued' else 'retrying' end as status) st
        cross join lateral (select
            (array['perfectpay', 'mercadopago', 'collector', 'api'])[1 + g %% 4] as source,
            (array['Purchase', 'Purchase', 'PageView', 'Lead'])[1 + g %% 4] as event_name) s
        join delivery.destinations d
          on d.id = (select min(id) from delivery.destinations) + (g::bigint * 7919) %% %(companies)s
    """),
    ("attempts (one per two events)", """
        insert into delivery.attempts (company_id, destination_id, pixel_id, request_id, event_pks, event_count,
            http_status, outcome, fbtrace_id, events_received, latency_ms, error_code, attempted_at)
        select e.company_id, e.destination_id, '1', 'dispatch-' || e.id, array[e.id, e.id + 1], 2,
               case when e.id %% 20 = 0 then 500 else 200 end,
               case when e.id %% 20 = 0 then 'retry' else 'sent' end,
               'A' || md5(e.id::text), case when e.id %% 20 <> 0 then 2 end,
               60 + (e.id * 7919) %% 400 + case when e.id %% 50 = 0 then 2500 else 0 end,
               case when e.id %% 20 = 0 then 2 end, e.received_at + interval '1 second'
        from tracking.events e
        where e.id %% 2 = 0 and e.id between %(lo)s and %(hi)s
    """),
    ("sales (one per three events)", """
        insert into tracking.sales (company_id, gateway, provider_ref, status, sale_effect, amount, approved_at,
                                    purchase_event_pk, first_seen_at)
        select e.company_id, 'perfectpay', 'sale-' || e.id, 'approved', 'sale', 197, e.received_at, e.id,
               e.received_at
        from tracking.events e
        where e.id %% 3 = 0 and e.id between %(lo)s and %(hi)s
    """),
    ("duplicates and dead letters", """
        insert into monitoring.duplicates (company_id, event_pk, source, event_name, seen_at)
        select e.company_id, e.id, e.source, e.event_name, e.received_at + interval '1 minute'
        from tracking.events e where e.id %% 20 = 1;
        insert into delivery.dead_letters (company_id, event_pk, destination_id, reason, error_code, dead_at)
        select e.company_id, e.id, e.destination_id, e.last_error, 100, e.dead_at
        from tracking.events e where e.status = 'dead';
    """),
]

QUERIES = {
    "events_daily": "select * from reporting.events_daily",
    "duplicate_rate": "select * from reporting.duplicate_rate",
    "error_rate": "select * from reporting.error_rate",
    "meta_latency": "select * from reporting.meta_latency",
    "fbtrace_events (one fbtrace_id)": "select * from reporting.fbtrace_events where fbtrace_id = %(fbtrace)s",
    "match_quality": "select * from reporting.match_quality",
    "queue_depth": "select * from reporting.queue_depth",
    "dead_letters": "select * from reporting.dead_letters",
    "breaker_states": "select * from reporting.breaker_states",
    "setup_funnel": "select * from reporting.setup_funnel",
    "accuracy": "select * from reporting.accuracy",
    "accuracy (one company, last 30 days)":
        "select * from reporting.accuracy where company_id = %(company)s and day >= current_date - 30",
    "companies": "select * from reporting.companies",
}


def load(conn: psycopg.Connection, events: int, days: int, companies: int) -> None:
    """LOAD, chunk by chunk (bench/dashboard_rls.py loads the same)."""
    for what, sql in LOAD:
        t0 = time.perf_counter()
        if "%(lo)s" in sql:
            for lo in range(1, events + 1, CHUNK):
                hi = min(events, lo + CHUNK - 1)
                conn.execute(sql, {"lo": lo, "hi": hi, "days": days, "companies": companies, "events": events})
        else:
            for statement in filter(str.strip, sql.split(";")):
                conn.execute(statement, {"companies": companies})
        print(f"loaded {what} in {time.perf_counter() - t0:.1f} s", flush=True)


def timed(conn: psycopg.Connection, sql: str, params: dict, runs: int = 5) -> tuple[float, int]:
    conn.execute(sql, params).fetchall()  # warm-up
    times, rows = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        rows = len(conn.execute(sql, params).fetchall())
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = ap.parse_args()

    name = "bench_monitoring_views"
    dsn = scratch_db(name)
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            started = time.perf_counter()
            load(conn, args.events, args.days, COMPANIES)
            t0 = time.perf_counter()
            folded = conn.execute("select monitoring.fold_counts()").fetchone()[0]
            print(f"folded {folded} deltas in {time.perf_counter() - t0:.1f} s", flush=True)
            conn.execute("vacuum analyze")
            counts = conn.execute("""select (select count(*) from tracking.events),
                                            (select count(*) from delivery.attempts),
                                            (select count(*) from tracking.sales),
                                            (select count(*) from monitoring.daily_counts)""").fetchone()
            print(f"load: {time.perf_counter() - started:.0f} s; events {counts[0]:,}, attempts {counts[1]:,}, "
                  f"sales {counts[2]:,}, rollup rows {counts[3]:,}", flush=True)
            params = {"fbtrace": conn.execute("select fbtrace_id from delivery.attempts order by id desc"
                                              " limit 1").fetchone()[0],
                      "company": conn.execute("select id from app.companies limit 1").fetchone()[0]}
            # what the per-minute evaluation costs at this size (adds deltas of its own; runs last)
            eval_ms, _ = timed(conn, "select monitoring.evaluate_alerts()", {}, runs=3)

        results = []
        with psycopg.connect(dsn.replace("postgres@", "looker_reader@", 1), autocommit=True) as reader:
            for label, sql in QUERIES.items():
                ms, rows = timed(reader, sql, params)
                results.append((label, ms, rows))
                print(f"{label:40s} {ms:8.1f} ms  ({rows} rows)", flush=True)
        print(f"{'monitoring.evaluate_alerts()':40s} {eval_ms:8.1f} ms", flush=True)

        slow = [r for r in results if r[1] >= 200]
        lines = [
            f"## Monitoring views (bench/monitoring_views.py, {time.strftime('%Y-%m-%d %H:%M')}, 2 cores)",
            "",
            f"{counts[0]:,} events over {args.days} days, {COMPANIES} companies, {counts[1]:,} attempts, "
            f"{counts[2]:,} sales; rollup {counts[3]:,} rows. Median of 5 runs as looker_reader.",
            "",
            "| view | median ms | rows |",
            "|---|---|---|",
            *[f"| {label} | {ms:.1f} | {rows} |" for label, ms, rows in results],
            f"| monitoring.evaluate_alerts() (median of 3) | {eval_ms:.1f} | - |",
            "",
            "all under 200 ms" if not slow else "OVER 200 ms: " + ", ".join(r[0] for r in slow),
            "",
        ]
        path = write_result("monitoring_views", "\n".join(lines))
        print(f"written to {path}")
    finally:
        if not args.keep:
            with dbutil.admin() as conn:
                conn.execute(f'drop database if exists "{name}" with (force)')


if __name__ == "__main__":
    main()
