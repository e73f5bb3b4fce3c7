"""Benchmark (issue 18): the dashboard's main queries as `authenticated`, through RLS, before and after
policies computed the caller's companies once per statement.

    .venv/bin/python -m bench.dashboard_rls [--events 1000000] [--companies 100] [--runs 200] [--before main]

A scratch database made from the migrations is loaded as bench/monitoring_views.py loads it (events over
90 days with a realistic status mix, attempts, sales, duplicates, dead letters), across `--companies`
companies, plus one setup session with its steps per company and today's counters. A viewer of one
company then runs each query as PostgREST would: in a transaction with `role authenticated` and the
JWT claims set locally. Each query runs `--runs` times with the policies (and app.has_company_access)
of git ref `--before`, then with this checkout's; the script prints p50 and p95 per query. Nothing here
asserts a speed; the target is 30 ms p95.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time

import psycopg

from bench import monitoring_views
from bench.common import percentile, scratch_db, write_result
from core.settings import REPO_ROOT
from tests import dbutil

DB = "bench_dashboard_rls"
TABLES = ["tracking/policies/events.sql", "monitoring/policies/company_counters.sql",
          "setup/policies/sessions.sql", "setup/policies/steps.sql", "delivery/policies/dead_letters.sql"]

EXTRA = """
    insert into tracking.endpoints (company_id, kind, public_key)
    select c.id, k.kind, k.prefix || md5(c.id::text) from app.companies c
    cross join (values ('perfectpay', 'wh-'), ('collector', 'co-')) k (kind, prefix);
    insert into setup.sessions (company_id, pixel_id, gateway, landing_url, tracking_domain, webhook_key,
                                collector_key)
    select c.id, d.pixel_id, 'perfectpay', 'https://loja.example.com.br', 'track.example.com.br',
           'wh-' || md5(c.id::text), 'co-' || md5(c.id::text)
    from app.companies c join delivery.destinations d on d.company_id = c.id;
    insert into setup.steps (session_id, company_id, name)
    select s.id, s.company_id, k.name from setup.sessions s cross join setup.step_kinds k;
    select monitoring.refresh_company_counters()
"""

# as the dashboard asks (supabase-js adds the company filter; the unfiltered one shows what RLS alone costs)
QUERIES = {
    "last 50 events": """
        select id, event_id, event_name, source, status, received_at from tracking.events
        where company_id = %(company)s order by received_at desc limit 50""",
    "last 50 events, no company filter": """
        select id, event_id, event_name, source, status, received_at from tracking.events
        order by received_at desc limit 50""",
    "today's counters": """
        select * from monitoring.company_counters where company_id = %(company)s""",
    "setup session status": """
        select s.id, s.status, s.updated_at,
               (select json_agg(json_build_object('name', t.name, 'status', t.status,
                                                  'diagnosis', t.diagnosis_code) order by t.id)
                from setup.steps t where t.session_id = s.id) as steps
        from setup.sessions s where s.company_id = %(company)s""",
    "DLQ list (50 open dead letters)": """
        select id, event_pk, reason, error_code, dead_at from delivery.dead_letters
        where company_id = %(company)s and replayed_at is null order by dead_at desc limit 50""",
}


def schema_files(ref: str | None) -> str:
    """app.has_company_access (+ app.my_company_ids when it exists) and the policies of the queried tables,
    as of git ref `ref` (None: this checkout)."""
    paths = ["app/my_company_ids.sql", "app/has_company_access.sql", *TABLES]
    out = []
    for path in paths:
        full = f"supabase/schemas/{path}"
        if ref is None:
            file = REPO_ROOT / full
            out.append(file.read_text() if file.exists() else "")
        else:
            res = subprocess.run(["git", "show", f"{ref}:{full}"], cwd=REPO_ROOT, capture_output=True, text=True)
            out.append(res.stdout if res.returncode == 0 else "")
    return "\n".join(out)


def load(conn: psycopg.Connection, events: int, companies: int) -> None:
    monitoring_views.load(conn, events, 90, companies)
    for statement in filter(str.strip, EXTRA.split(";")):
        conn.execute(statement)
    conn.execute("select monitoring.fold_counts()")
    conn.execute("vacuum analyze")


def measure(dsn: str, claims: str, params: dict, runs: int, budget: float) -> dict[str, tuple[float, float, int, int]]:
    """label -> (p50 ms, p95 ms, rows, runs): `runs` runs, fewer when a query has used `budget` seconds."""
    out = {}
    with psycopg.connect(dsn) as conn:
        for label, sql in QUERIES.items():
            times, rows, started = [], 0, time.perf_counter()
            for i in range(runs + 3):
                if len(times) >= 5 and time.perf_counter() - started > budget:
                    break
                with conn.transaction():
                    conn.execute("select set_config('request.jwt.claims', %s, true),"
                                 " set_config('role', 'authenticated', true)", (claims,))
                    t0 = time.perf_counter()
                    rows = len(conn.execute(sql, params).fetchall())
                    if i >= 3:  # the first three warm the cache
                        times.append((time.perf_counter() - t0) * 1000)
            out[label] = (percentile(times, 50), percentile(times, 95), rows, len(times))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--companies", type=int, default=100)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--budget", type=float, default=30, help="seconds per query and policy set, at least 5 runs")
    ap.add_argument("--before", default="main", help="git ref whose policies are measured first")
    ap.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = ap.parse_args()

    dsn = scratch_db(DB)
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            t0 = time.perf_counter()
            load(conn, args.events, args.companies)
            n = conn.execute("select count(*), count(distinct company_id) from tracking.events").fetchone()
            print(f"load: {time.perf_counter() - t0:.0f} s; {n[0]:,} events across {n[1]} companies", flush=True)
            # the company with the most open dead letters (the load gives each company its own status mix)
            company = conn.execute("select company_id from delivery.dead_letters group by 1"
                                   " order by count(*) desc limit 1").fetchone()[0]
            user = conn.execute("select tests.create_user('bench-viewer')").fetchone()[0]
            conn.execute("select tests.add_member(%s, 'bench-viewer', 'viewer')", (company,))
        claims = json.dumps({"sub": str(user), "role": "authenticated"})
        params = {"company": company}

        figures = {}
        for label, ref in ((f"before ({args.before})", args.before), ("after (this checkout)", None)):
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(schema_files(ref))
            figures[label] = measure(dsn, claims, params, args.runs, args.budget)

        head = (f"{n[0]:,} events, {n[1]} companies; a viewer of the company with the most dead letters; "
                f"{args.runs} runs per query (fewer past {args.budget:.0f} s: runs column)")
        lines = [f"## Dashboard queries through RLS (bench/dashboard_rls.py, {time.strftime('%Y-%m-%d %H:%M')})",
                 "", head, "", "| query | " + " | ".join(f"{k} p50 / p95 ms (runs)" for k in figures) + " | rows |",
                 "|---|" + "---|" * (len(figures) + 1)]
        for q in QUERIES:
            cells = [f"{f[q][0]:.2f} / {f[q][1]:.2f} ({f[q][3]})" for f in figures.values()]
            lines.append(f"| {q} | " + " | ".join(cells) + f" | {next(iter(figures.values()))[q][2]} |")
        print("\n".join(lines[2:]))
        write_result("dashboard_rls", "\n".join(lines) + "\n")
    finally:
        if not args.keep:
            with dbutil.admin() as conn:
                conn.execute(f'drop database if exists "{DB}" with (force)')


if __name__ == "__main__":
    main()
