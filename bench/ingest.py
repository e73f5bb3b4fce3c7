"""Ingest benchmark, end to end (issues 3 and 16): Perfect Pay postbacks over HTTP to events at Meta,
against the physical limit here.

    .venv/bin/python -m bench.ingest [--duration 60] [--workers 2] [--connections 16] [--ingesters 1]
                                     [--dispatchers 1] [--meta-latency-ms 50]

The API, the ingest worker(s) and the dispatcher(s) run together, delivering to the strict Meta fake (its own
process, answering in --meta-latency-ms). Every sale is new and dated now. Prints, from one run:
- the physical limit: a bare INSERT of the same body into a jsonb table (pgbench, same connection count);
- over a sustained wrk run (`--duration` s): postbacks acknowledged/s, processed/s and delivered/s while
  it ran, the end-to-end rate (stored postbacks over first request -> last event at Meta), and how long
  the backlog took to reach Meta after the load stopped; each rate also as a ratio of the limit;
- acknowledgement latency p50/p95/p99 at 300 postbacks/s offered (open loop, latency from the scheduled
  send time, so a stall is not hidden), with processing and delivery running;
- the dedup check under that load: p99 of the SQL answer to a duplicate postback;
- peak RSS of the API and the workers; that nothing acknowledged was lost (inbound rows >= 200s).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import socket
import subprocess
import tempfile
import threading
import time
import uuid

import httpx
import psycopg

from bench.common import (
    RssSampler,
    ensure_tool,
    percentile,
    postgres_cpu_by_role,
    postmaster_pid,
    scratch_db,
    start_api,
    start_workers,
    statements_reset,
    top_statements,
    write_figures,
    write_result,
)
from bench.dispatch import Fake, start_dispatchers
from bench.dispatch import stop as stop_procs
from core.settings import load, local_admin_dsn
from tests.apiutil import make_tenant, postback

PORT = 8765
TENANT_TOKEN = "EAAtesttoken"  # the destination token tests.apiutil.make_tenant saves


def bare_insert_limit(dsn: str, body: str, clients: int, seconds: int) -> float:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("create table if not exists public.bench_raw (id bigserial primary key, body jsonb not null)")
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write("insert into public.bench_raw (body) values ('" + body.replace("'", "''") + "'::jsonb);\n")
        script = f.name
    out = subprocess.run(["pgbench", "-n", "-c", str(clients), "-j", "2", "-T", str(seconds), "-f", script, dsn],
                         capture_output=True, text=True, check=True).stdout
    os.unlink(script)
    return float(re.search(r"tps = ([0-9.]+)", out).group(1))


def bare_insert_latency(dsn: str, body: str, rate: float, seconds: float) -> list[float]:
    """The same body INSERTed one row per statement at `rate`/s from one connection: seconds each."""
    out = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        start = time.perf_counter()
        for i in range(int(rate * seconds)):
            due = start + i / rate
            if due > time.perf_counter():
                time.sleep(due - time.perf_counter())
            conn.execute("insert into public.bench_raw (body) values (%s::jsonb)", (body,))
            out.append(time.perf_counter() - due)
    return out


WRK_LUA = """
local counter = 0
function setup(thread) thread:set("tid", counter); counter = counter + 1 end
function init(args) n = 0 end
request = function()
  n = n + 1
  local body = string.format(template, tid, n, tid, n)  -- a template may use (thread, request) twice
  return wrk.format("POST", path, {["Content-Type"] = "application/json"}, body)
end
"""


def wrk_throughput(url_path: str, body_template: str, connections: int, seconds: int, port: int = PORT) -> dict:
    wrk = ensure_tool("wrk", "wrk")
    lua = f"path = {json.dumps(url_path)}\ntemplate = {json.dumps(body_template)}\n" + WRK_LUA
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua)
        script = f.name
    out = subprocess.run([wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script,
                          f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True).stdout
    os.unlink(script)
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "requests": total, "non2xx": int(non2xx.group(1)) if non2xx else 0, "raw": out}


CONTENT_LENGTH = re.compile(rb"content-length:\s*(\d+)", re.I)


async def open_loop(path: str, rate: float, seconds: float, make_body, connections: int = 32) -> list[float]:
    """Postbacks at a fixed rate; every answer must be a 200."""
    errors: list[int] = []

    def request(i: int) -> tuple[str, dict, bytes]:
        return path, {"Content-Type": "application/json"}, json.dumps(make_body(i)).encode()

    def answer(i: int, status: int, body: bytes) -> None:
        if status != 200:
            errors.append(status)

    latencies = await open_loop_requests(rate, seconds, request, answer, connections)
    if errors:
        raise RuntimeError(f"{len(errors)} non-200 answers in the latency run")
    return latencies


async def open_loop_requests(rate: float, seconds: float, make_request, on_answer, connections: int = 32,
                             port: int = PORT, offsets: list[float] | None = None,
                             reconnect_after_s: float = 2.0) -> list[float]:
    """Send at a fixed rate regardless of answers: request i (`make_request(i)` -> path, headers, body)
    is due at i / rate (or at `offsets[i]` seconds from the start, when given: then rate and seconds are
    not used), on connection i % N (raw HTTP/1.1 keep-alive, so the client costs little CPU);
    latency is measured from the due time, so a stall is not hidden (no coordinated omission).
    `on_answer(i, status, body)` sees every answer. A connection about to sit idle longer than
    `reconnect_after_s` (the server's keep-alive timeout would close it) is opened anew when its next
    request is due, as a sender would."""
    latencies: list[float] = []
    start = time.perf_counter() + 0.2
    total = len(offsets) if offsets is not None else int(rate * seconds)

    async def open_() -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return reader, writer

    async def conn(k: int) -> None:
        reader, writer = await open_()
        try:
            for i in range(k, total, connections):
                due = start + (offsets[i] if offsets is not None else i / rate)
                delay = due - time.perf_counter()
                if delay > reconnect_after_s:
                    writer.close()
                if delay > 0:
                    await asyncio.sleep(delay)
                if writer.is_closing():
                    reader, writer = await open_()
                path, headers, body = make_request(i)
                fields = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
                writer.write((f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{fields}"
                              f"Content-Length: {len(body)}\r\n\r\n").encode() + body)
                head = await reader.readuntil(b"\r\n\r\n")
                length = CONTENT_LENGTH.search(head)
                answer = await reader.readexactly(int(length.group(1)) if length else 0)
                latencies.append(time.perf_counter() - due)
                on_answer(i, int(head[9:12]), answer)
        finally:
            writer.close()

    await asyncio.gather(*(conn(k) for k in range(connections)))
    return latencies


DEDUP_CHECK = ("insert into tracking.event_keys (company_id, event_id, event_pk) values (%s, %s, 0)"
               " on conflict do nothing")


def dedup_probe(dsn: str, key: str, body: str, stop: threading.Event, out: list[float],
                check: list[float], committed: list[float]) -> None:
    """While the load runs, time in turn (a) the whole SQL answer to a duplicate postback, committed (store
    the request, queue it, answer); (b) the dedup check: the insert into tracking.event_keys that conflicts,
    as tracking.record_event runs it - inside the transaction of the ingest worker's batch, whose commit is
    paid once per batch, so it is timed inside a transaction that is then rolled back; (c) the same insert
    with a commit of its own (it writes monitoring.duplicates), for comparison."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        company, event_id = conn.execute(
            "select company_id, event_id from tracking.event_keys order by created_at limit 1").fetchone()
        while not stop.is_set():
            t0 = time.perf_counter()
            conn.execute("select * from tracking.ingest_webhook('perfectpay', %s, %s, %s, '{}', 'probe')",
                         (key, body, json.loads(body)["token"])).fetchone()
            out.append(time.perf_counter() - t0)
            conn.execute("begin")
            t0 = time.perf_counter()
            conn.execute(DEDUP_CHECK, (company, event_id))
            check.append(time.perf_counter() - t0)
            conn.execute("rollback")
            t0 = time.perf_counter()
            conn.execute(DEDUP_CHECK, (company, event_id))
            committed.append(time.perf_counter() - t0)
            time.sleep(0.02)


def progress(dsn: str, prefix: str) -> tuple[int, int, float | None]:
    """Of the sales whose code starts with `prefix`: events recorded (postbacks processed), events
    delivered to Meta, and the time (epoch s) of the last delivery."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        processed, delivered, last = conn.execute(
            "select count(*), count(*) filter (where status = 'sent'), extract(epoch from max(sent_at))"
            " from tracking.events where source = 'perfectpay' and provider_ref like %s", (prefix + "%",)).fetchone()
    return processed, delivered, float(last) if last is not None else None


def stored(dsn: str, prefix: str) -> int:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return conn.execute("select count(*) from tracking.inbound where body->>'code' like %s",
                            (prefix + "%",)).fetchone()[0]


def wait_delivered(dsn: str, prefix: str, expected: int, timeout_s: float = 900) -> tuple[int, int, float]:
    """Polls until every one of `expected` stored postbacks is an event at Meta; (processed, delivered,
    time of the last delivery)."""
    started = time.monotonic()
    while True:
        processed, delivered, last = progress(dsn, prefix)
        if delivered >= expected:
            return processed, delivered, last
        if time.monotonic() - started > timeout_s:
            raise SystemExit(f"only {delivered} of {expected} postbacks reached Meta {timeout_s:.0f} s after the load")
        time.sleep(0.2)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=60)
    ap.add_argument("--latency-seconds", type=int, default=20)
    ap.add_argument("--rate", type=float, default=300)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2, help="API processes")
    ap.add_argument("--ingesters", type=int, default=1)
    ap.add_argument("--dispatchers", type=int, default=1)
    ap.add_argument("--meta-latency-ms", type=float, default=50)
    args = ap.parse_args()

    dsn = scratch_db("bench_ingest")
    tenant = make_tenant(dsn)
    fake = Fake(args.meta_latency_ms, tenant.pixel_id, TENANT_TOKEN)
    path = f"/webhooks/perfectpay/{tenant.perfectpay_key}"
    run_id = uuid.uuid4().hex[:6]
    sample = json.dumps(postback(code="PPCPMTB5H3745O"))
    # a printf template for wrk's Lua: every request is a new sale (thread id, request number), dated now
    template = json.dumps(postback(code="__CODE__")).replace("%", "%%").replace("__CODE__", f"B{run_id}-%d-%d")

    # the machine is shared: the limit is measured before and after the HTTP runs, and the higher counts
    # the bare table is the superuser's: `postgres` may not create tables in public, as on hosted Supabase
    raw_dsn = local_admin_dsn("bench_ingest")
    limit_before = bare_insert_limit(raw_dsn, sample, args.connections, 10)
    bare_lat = [x * 1000 for x in bare_insert_latency(raw_dsn, sample, args.rate, min(10, args.latency_seconds))]
    api = start_api(dsn, PORT, args.workers)
    key = load().secret_key
    with RssSampler(0.5) as memory:
        memory.watch("api", api.pid)
        memory.watch("postgres", postmaster_pid(dsn))
        # postbacks are answered once stored; the workers process and deliver them meanwhile (and after)
        workers = start_workers("ingest", dsn, key, args.ingesters, memory)
        workers += start_dispatchers(dsn, fake.url, key, args.dispatchers, memory)
        try:
            # warm-up, delivered; the latency run at the offered rate (with the dedup probe), delivered;
            # then the sustained run, timed from its first request to its last event at Meta
            warm = f"W{run_id}"
            wrk_throughput(path, template.replace(f"B{run_id}", warm), args.connections, 5)
            wait_delivered(dsn, warm, stored(dsn, warm))
            probe_body = json.dumps(postback(code=f"DUP-{run_id}"))
            httpx.post(f"http://127.0.0.1:{PORT}{path}", content=probe_body,
                       headers={"content-type": "application/json"})
            stop, probe, check, committed = threading.Event(), [], [], []
            t = threading.Thread(target=dedup_probe,
                                 args=(dsn, tenant.perfectpay_key, probe_body, stop, probe, check, committed))
            t.start()
            lat = asyncio.run(open_loop(path, args.rate, args.latency_seconds,
                                        lambda i: postback(code=f"L{run_id}-{i}")))
            stop.set()
            t.join()
            wait_delivered(dsn, f"L{run_id}", stored(dsn, f"L{run_id}"))
            prefix = f"B{run_id}"
            memory.watch("meta fake", fake.proc.pid)
            statements_reset(raw_dsn)
            cpu_before, wrk_before = memory.cpu(), resource.getrusage(resource.RUSAGE_CHILDREN)
            pg_before = postgres_cpu_by_role(dsn)
            first_request = time.time()
            thr = wrk_throughput(path, template, args.connections, args.duration)
            load_stopped = time.time()
            processed_in_load, delivered_in_load, _ = progress(dsn, prefix)
            cpu_after, wrk_after = memory.cpu(), resource.getrusage(resource.RUSAGE_CHILDREN)
            pg_after = postgres_cpu_by_role(dsn)
            statements = top_statements(raw_dsn, 12)
            n_stored = stored(dsn, prefix)
            _, delivered, last_delivery = wait_delivered(dsn, prefix, n_stored)
        finally:
            stop_procs(workers)
            os.killpg(api.pid, 15)
            api.wait(10)
            fake.stop()
    limit_after = bare_insert_limit(raw_dsn, sample, args.connections, 10)
    limit = max(limit_before, limit_after)

    acked = thr["requests"] - thr["non2xx"]
    load_s = load_stopped - first_request
    e2e = n_stored / (last_delivery - first_request)
    drain_s = max(0.0, last_delivery - load_stopped)
    ms = [x * 1000 for x in lat]
    dd = [x * 1000 for x in probe]
    dc = [x * 1000 for x in check]
    dcc = [x * 1000 for x in committed]
    wrk_cpu = wrk_after.ru_utime + wrk_after.ru_stime - wrk_before.ru_utime - wrk_before.ru_stime

    def rate(n: float) -> str:
        return f"{n:,.0f} /s ({n / limit:.2f}x)"

    rows = [
        (f"physical limit: bare INSERT of the same body (pgbench, {args.connections} clients, 10 s, "
         "before / after the HTTP runs; the higher counts)", f"{limit_before:,.0f} / {limit_after:,.0f} rows/s"),
        (f"acknowledged: Perfect Pay postbacks over HTTP, sustained {args.duration} s (wrk, {args.connections} conns,"
         f" {args.workers} API processes)", rate(thr["rps"])),
        (f"processed while the load ran ({args.ingesters} ingest worker)",
         rate(processed_in_load / load_s)),
        (f"delivered to the Meta fake while the load ran ({args.dispatchers} dispatcher, Meta answering in "
         f"{args.meta_latency_ms:.0f} ms)", rate(delivered_in_load / load_s)),
        ("end to end: stored postbacks / (first request -> last event at Meta)", rate(e2e)),
        ("backlog after the load stopped: delivered within", f"{drain_s:.1f} s"),
        ("acknowledged (200) / stored inbound rows / events delivered", f"{acked:,} / {n_stored:,} / {delivered:,}"),
        ("original roadmap target: 1,000 leads per minute (16.7/s): end-to-end margin", f"{e2e / (1000 / 60):,.0f}x"),
        (f"ack latency at {args.rate:.0f}/s offered, open loop, processing and delivery running ({len(ms):,} requests)"
         " p50 / p95 / p99",
         f"{percentile(ms, 50):.1f} / {percentile(ms, 95):.1f} / {percentile(ms, 99):.1f} ms"),
        ("the bare INSERT of the same body at that rate, one connection, p50 / p95 / p99",
         f"{percentile(bare_lat, 50):.1f} / {percentile(bare_lat, 95):.1f} / {percentile(bare_lat, 99):.1f} ms"),
        (f"dedup check under that load (the conflicting event_keys insert, in a transaction, {len(dc)} probes)"
         " p50 / p99",
         f"{percentile(dc, 50):.2f} / {percentile(dc, 99):.2f} ms"),
        ("the same insert with a commit of its own p50 / p99",
         f"{percentile(dcc, 50):.2f} / {percentile(dcc, 99):.2f} ms"),
        (f"a whole duplicate postback under that load (stored, queued, answered, committed; {len(dd)} probes)"
         " p50 / p99",
         f"{percentile(dd, 50):.2f} / {percentile(dd, 99):.2f} ms"),
        ("CPU per acknowledged postback while the load ran, by process group (2 cores = 2 s per s)",
         ", ".join(f"{k} {(cpu_after[k] - cpu_before.get(k, 0)) / acked * 1000:.2f} ms" for k in cpu_after)
         + f", wrk {wrk_cpu / acked * 1000:.2f} ms"),
        ("the database's share, by who asked (backends by application_name; the cluster's own processes)",
         ", ".join(f"{k} {(v - pg_before.get(k, 0)) / acked * 1000:.2f} ms" for k, v in
                   sorted(pg_after.items(), key=lambda kv: pg_before.get(kv[0], 0) - kv[1])
                   if v - pg_before.get(k, 0) > 0.000005 * acked)),
        ("peak RSS (MiB)", ", ".join(f"{k} {v:.0f}" for k, v in memory.peaks().items() if k != "postgres")
         + "; each API process (uvicorn's master, then its workers): "
         + " / ".join(f"{v:.0f}" for _, v in sorted(memory.process_peaks["api"].items()))),
    ]
    report = (f"## Ingest, end to end (bench/ingest.py, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores)"
              "\n\n| figure | value |\n|---|---|\n" + "".join(f"| {k} | {v} |\n" for k, v in rows))
    report += ("\nWhere the database's time went while the load ran (pg_stat_statements, top-level statements, "
               "ms per acknowledged postback):\n\n| statement | calls | ms |\n|---|---|---|\n"
               + "".join(f"| `{q.replace('|', '/')}` | {c:,} | {t / acked:.3f} |\n" for c, t, q in statements))
    print(report)
    print(f"written to {write_result('ingest', report)}")
    write_figures("ingest", {
        "bare_insert_rows_s": limit, "ingest_rps": thr["rps"], "ingest_seconds": args.duration,
        "rate": args.rate, "ack_ms": {p: percentile(ms, p) for p in (50, 95, 99)},
        "bare_insert_ms": {p: percentile(bare_lat, p) for p in (50, 95, 99)},
        "peak_rss_mib": memory.peaks(), "api_workers": args.workers, "drain_s": drain_s,
        "processed_rps": processed_in_load / load_s, "delivered_rps": delivered_in_load / load_s,
        "end_to_end_rps": e2e})
    # requests still in flight when wrk stopped are stored but not counted by it: stored >= acked
    if n_stored < acked:
        raise SystemExit(f"LOST: {acked} acknowledged but only {n_stored} stored")


if __name__ == "__main__":
    main()
