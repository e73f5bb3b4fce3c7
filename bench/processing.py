"""Processing benchmark (issue 16): how fast one ingest worker turns a stored backlog into events, and
where each millisecond of database time goes.

    .venv/bin/python -m bench.processing [--postbacks 50000] [--top 12]

One run, on a fresh database:
1. the physical limit: the same postback bodies INSERTed bare into a jsonb table, from one connection,
   in statements of 200 rows (the worker's batch size): rows/s;
2. a backlog of `--postbacks` Perfect Pay postbacks (unique sales dated now, each buyer different) is
   stored through tracking.ingest_webhook_batch, as the API stores them, in one transaction, while
   one `trackai work ingest` process waits; from that commit to the empty queue: postbacks processed
   per second, the ratio to (1), CPU seconds per postback of the worker's database backend and of the
   whole cluster (WAL writer, checkpointer, autovacuum too) and of the worker, WAL bytes per postback
   (storing, processing, and the full-page images in the latter);
3. a second, smaller backlog with pg_stat_statements and pg_stat_user_functions on (timing slows what
   it measures, so the figures above come from the first): where the database time goes.
Prints figures only; nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import uuid

import psutil
import psycopg

from bench.common import (
    postmaster_pid,
    scratch_db,
    start_workers,
    statements_reset,
    top_statements,
    write_figures,
    write_result,
)
from core.settings import load, local_admin_dsn
from tests.apiutil import make_tenant, postback

BATCH = 200
DB = "bench_processing"


def bodies(n: int, run: str) -> list[str]:
    out = []
    for i in range(n):
        b = postback(code=f"P{run}-{i}")
        b["customer"]["email"] = f"cliente{i}.{run}@example.com"
        b["customer"]["phone_number"] = f"98{i % 10_000_000:07d}"
        out.append(json.dumps(b))
    return out


def bare_insert_rate(dsn: str, sample: list[str]) -> float:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("create table if not exists public.bench_raw (id bigserial primary key, body jsonb not null)")
        started = time.perf_counter()
        for i in range(0, len(sample), BATCH):
            conn.execute("insert into public.bench_raw (body) select unnest(%s::text[])::jsonb",
                         (sample[i:i + BATCH],))
        return len(sample) / (time.perf_counter() - started)


def store_backlog(conn: psycopg.Connection, key: str, payloads: list[str]) -> None:
    """As the API stores postbacks (in the caller's transaction)."""
    for i in range(0, len(payloads), 500):
        chunk = payloads[i:i + 500]
        conn.execute("select count(*) from tracking.ingest_webhook_batch('perfectpay', %s, %s, %s, %s::jsonb[], %s)",
                     ([key] * len(chunk), chunk, [json.loads(p)["token"] for p in chunk], ["{}"] * len(chunk),
                      [f"bench-{i + k}" for k in range(len(chunk))]))


def cluster_processes(dsn: str) -> list[psutil.Process]:
    """The postmaster, then its children (backends, WAL writer, checkpointer...)."""
    postmaster = psutil.Process(postmaster_pid(dsn))
    return [postmaster, *postmaster.children()]


def cpu_seconds(procs: list[psutil.Process], seen: dict[int, float]) -> float:
    """CPU seconds used since the last call by these processes (and by cluster processes born since)."""
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
        except psutil.NoSuchProcess:
            continue
        now = t.user + t.system
        total += now - seen.get(p.pid, 0.0)
        seen[p.pid] = now
    return total


def backends(dsn: str, application: str) -> list[psutil.Process]:
    """The database backends of a worker's connections (it listens on one and works on the other)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        return [psutil.Process(pid) for (pid,) in conn.execute(
            "select pid from pg_stat_activity where application_name = %s and datname = current_database()",
            (application,))]


def drain(dsn: str, key: str, payloads: list[str]) -> dict:
    """One ingest worker, idle and listening; the backlog stored in one transaction; then timed from
    that commit to the empty queue. CPU seconds of the worker's database backend, of the rest of the
    cluster (WAL writer, checkpointer, autovacuum...) and of the worker; WAL bytes of storing and of
    processing, and how much of the latter are full-page images (the first change to a page after a
    checkpoint; the run starts with one)."""
    with psycopg.connect(local_admin_dsn(DB), autocommit=True) as conn:
        conn.execute("create extension if not exists pg_walinspect with schema extensions")
        conn.execute("checkpoint")
    workers = start_workers("ingest", dsn, load().secret_key, 1)
    try:
        worker = psutil.Process(workers[0].pid)
        worker_backends = backends(dsn, "worker-ingest")
        if len(worker_backends) != 2:  # its listening connection and its working one, nobody else's
            raise SystemExit(f"{len(worker_backends)} ingest worker connections on {DB}: stop the other workers")
        procs = cluster_processes(dsn)
        seen: dict[int, float] = {}
        with psycopg.connect(dsn) as conn:
            wal_start = conn.execute("select pg_current_wal_lsn()").fetchone()[0]
            store_backlog(conn, key, payloads)
            conn.commit()
            cpu_seconds(procs, seen)
            backend_before = sum(sum(b.cpu_times()[:2]) for b in worker_backends)
            worker_before = sum(worker.cpu_times()[:2])
            started = time.perf_counter()
            conn.autocommit = True
            wal_stored = conn.execute("select pg_current_wal_lsn()").fetchone()[0]
            while conn.execute("select exists (select 1 from pgmq.q_ingest)").fetchone()[0]:
                time.sleep(0.02)
            elapsed = time.perf_counter() - started
            backend_cpu = sum(sum(b.cpu_times()[:2]) for b in worker_backends) - backend_before
            worker_cpu = sum(worker.cpu_times()[:2]) - worker_before
            db_cpu = cpu_seconds(procs + [c for c in procs[0].children() if c.pid not in seen], seen)
            wal_end = conn.execute("select pg_current_wal_lsn()").fetchone()[0]
    finally:
        workers[0].terminate()
        workers[0].wait(10)
    with psycopg.connect(local_admin_dsn(DB), autocommit=True) as conn:
        store_wal, process_wal = conn.execute("select %(s)s::pg_lsn - %(a)s::pg_lsn, %(e)s::pg_lsn - %(s)s::pg_lsn",
                                              {"a": wal_start, "s": wal_stored, "e": wal_end}).fetchone()
        try:
            process_fpi = conn.execute(
                "select sum(fpi_size) from extensions.pg_get_wal_stats(%s::pg_lsn, %s::pg_lsn)",
                (wal_stored, wal_end)).fetchone()[0]
        except psycopg.errors.UndefinedFile:  # other load on the cluster recycled the segments meanwhile
            process_fpi = float("nan")
    return {"elapsed": elapsed, "db_cpu": db_cpu, "backend_cpu": backend_cpu, "worker_cpu": worker_cpu,
            "store_wal": float(store_wal), "process_wal": float(process_wal), "process_fpi": float(process_fpi)}


def profile(dsn: str, key: str, payloads: list[str]) -> None:
    """A second backlog, processed here as the ingest worker does it (jobs/ingest.py: one batch of 200,
    its messages deleted, one commit), with statement and function timing on; it slows what it measures.
    In one session that ends before the figures are read, so that every figure is in."""
    with psycopg.connect(dsn) as conn:
        store_backlog(conn, key, payloads)
        conn.commit()
    statements_reset(local_admin_dsn(DB))
    with psycopg.connect(local_admin_dsn(DB)) as conn:  # the timing settings are the superuser's to set
        conn.execute("set track_functions = 'all'")
        conn.execute("set pg_stat_statements.track = 'all'")
        conn.execute("select pg_stat_reset()")
        conn.execute("set role postgres")  # the app's role, as the worker runs
        conn.commit()
        while batch := conn.execute("select msg_id, (message ->> 'inbound')::bigint from pgmq.read('ingest', 30, %s)",
                                    (BATCH,)).fetchall():
            conn.execute("select count(*) from tracking.process_inbound_batch(%s::bigint[])", ([i for _, i in batch],))
            conn.execute("select pgmq.delete('ingest', %s::bigint[])", ([m for m, _ in batch],))
            conn.commit()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--postbacks", type=int, default=50_000)
    ap.add_argument("--profile-postbacks", type=int, default=10_000)
    ap.add_argument("--top", type=int, default=20)
    args = ap.parse_args()

    dsn = scratch_db(DB)
    tenant = make_tenant(dsn)
    run = uuid.uuid4().hex[:6]
    payloads = bodies(args.postbacks, run)
    limit = bare_insert_rate(local_admin_dsn(DB), payloads)
    figures = drain(dsn, tenant.perfectpay_key, payloads)

    profiled = args.profile_postbacks
    profile(dsn, tenant.perfectpay_key, bodies(profiled, run + "p"))
    statements = top_statements(local_admin_dsn(DB), args.top)
    with psycopg.connect(local_admin_dsn(DB), autocommit=True) as conn:
        outcome = dict(conn.execute("select status, count(*) from tracking.inbound group by 1").fetchall())
        events = dict(conn.execute("select status, count(*) from tracking.events group by 1").fetchall())
        functions = conn.execute(
            "select schemaname || '.' || funcname, calls, self_time from pg_stat_user_functions"
            " order by self_time desc limit %s", (args.top,)).fetchall()

    n = args.postbacks
    rate = n / figures["elapsed"]
    rows = [
        ("physical limit: the same bodies INSERTed bare, 200 rows per statement, one connection",
         f"{limit:,.0f} rows/s"),
        (f"processed by one ingest worker: a stored backlog of {n:,} postbacks, commit to empty queue",
         f"{rate:,.0f} /s"),
        ("processed / physical limit", f"{rate / limit:.2f}"),
        ("database CPU per postback: the ingest worker's backends / every process of the cluster (WAL writer,"
         " checkpointer, autovacuum of the stored backlog...)",
         f"{figures['backend_cpu'] / n * 1000:.3f} / {figures['db_cpu'] / n * 1000:.3f} ms"),
        ("ingest worker (Python) CPU per postback", f"{figures['worker_cpu'] / n * 1000:.3f} ms"),
        ("WAL per postback: storing it / processing it (of which full-page images after the run's checkpoint)",
         f"{figures['store_wal'] / n / 1024:.2f} / {figures['process_wal'] / n / 1024:.2f} KiB "
         f"({figures['process_fpi'] / n / 1024:.2f} KiB)"),
        ("inbound rows by status / events by status, after both runs", f"{outcome} / {events}"),
    ]
    report = (f"## Processing (bench/processing.py, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores)\n\n"
              "| figure | value |\n|---|---|\n" + "".join(f"| {k} | {v} |\n" for k, v in rows)
              + f"\n### Where the database time goes ({profiled:,} more postbacks, timing on)\n\n"
              "Statements (pg_stat_statements, nested ones included):\n\n"
              "| statement | calls | ms per postback |\n|---|---|---|\n"
              + "".join(f"| `{q.replace('|', '/')}` | {c:,} | {t / profiled:.3f} |\n" for c, t, q in statements)
              + "\nFunctions, self time (pg_stat_user_functions):\n\n"
              "| function | calls | ms per postback |\n|---|---|---|\n"
              + "".join(f"| `{f}` | {c:,} | {t / profiled:.3f} |\n" for f, c, t in functions))
    print(report)
    print(f"written to {write_result('processing', report)}")
    write_figures("processing", {"postbacks": n, "processed_per_s": rate, "bare_insert_rows_s": limit,
                                 "db_cpu_ms_per_postback": figures["db_cpu"] / n * 1000,
                                 "backend_cpu_ms_per_postback": figures["backend_cpu"] / n * 1000,
                                 "worker_cpu_ms_per_postback": figures["worker_cpu"] / n * 1000,
                                 "process_wal_kib_per_postback": figures["process_wal"] / n / 1024})


if __name__ == "__main__":
    main()
