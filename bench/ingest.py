"""Ingest benchmark (issue 3): Perfect Pay postbacks over HTTP against the physical limit here.

    .venv/bin/python -m bench.ingest [--duration 60] [--workers 2] [--connections 32]

Prints, from one run on this machine:
- the physical limit: a bare INSERT of the same body into a jsonb table (pgbench, same connection count);
- sustained ingest throughput (wrk, unique sales, `--duration` seconds) and the ratio to the limit;
- acknowledgement latency p50/p95/p99 at 300 postbacks/s offered (open loop, latency from the scheduled
  send time, so a stall is not hidden);
- the dedup check under that load: p99 of the SQL answer to a duplicate postback;
- that nothing acknowledged was lost (inbound rows == 200s).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import tempfile
import threading
import time
import uuid

import httpx
import psycopg

from bench.common import ensure_tool, percentile, scratch_db, start_api, write_result
from tests.apiutil import make_tenant, postback

PORT = 8765


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


WRK_LUA = """
local counter = 0
function setup(thread) thread:set("tid", counter); counter = counter + 1 end
function init(args) n = 0 end
request = function()
  n = n + 1
  local body = string.format(template, tid, n)
  return wrk.format("POST", path, {["Content-Type"] = "application/json"}, body)
end
"""


def wrk_throughput(url_path: str, body_template: str, connections: int, seconds: int) -> dict:
    wrk = ensure_tool("wrk", "wrk")
    lua = f"path = {json.dumps(url_path)}\ntemplate = {json.dumps(body_template)}\n" + WRK_LUA
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua)
        script = f.name
    out = subprocess.run([wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script,
                          f"http://127.0.0.1:{PORT}"], capture_output=True, text=True, check=True).stdout
    os.unlink(script)
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "requests": total, "non2xx": int(non2xx.group(1)) if non2xx else 0, "raw": out}


async def open_loop(url: str, rate: float, seconds: float, make_body) -> list[float]:
    """Send at a fixed rate regardless of answers; latency measured from each scheduled send time."""
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=128, max_keepalive_connections=128)
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:
        start = time.perf_counter()

        async def one(i: int, scheduled: float) -> None:
            nonlocal errors
            r = await client.post(url, json=make_body(i))
            if r.status_code != 200:
                errors += 1
            latencies.append(time.perf_counter() - scheduled)

        tasks = []
        n = int(rate * seconds)
        for i in range(n):
            scheduled = start + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(i, scheduled)))
        await asyncio.gather(*tasks)
    if errors:
        raise RuntimeError(f"{errors} non-200 answers in the latency run")
    return latencies


def dedup_probe(dsn: str, key: str, body: str, stop: threading.Event, out: list[float]) -> None:
    """While the load runs: time the SQL answer to a duplicate postback (the dedup path)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        while not stop.is_set():
            t0 = time.perf_counter()
            conn.execute("select * from tracking.ingest_perfectpay(%s, %s, '{}', 'probe')", (key, body)).fetchone()
            out.append(time.perf_counter() - t0)
            time.sleep(0.02)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=60)
    ap.add_argument("--latency-seconds", type=int, default=20)
    ap.add_argument("--rate", type=float, default=300)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()

    dsn = scratch_db("bench_ingest")
    tenant = make_tenant(dsn)
    path = f"/webhooks/perfectpay/{tenant.perfectpay_key}"
    run_id = uuid.uuid4().hex[:6]
    sample = json.dumps(postback(code="PPCPMTB5H3745O"))
    # a printf template for wrk's Lua: every request is a new sale (thread id, request number)
    template = json.dumps(postback(code="__CODE__")).replace("%", "%%").replace("__CODE__", f"B{run_id}-%d-%d")

    limit = bare_insert_limit(dsn, sample, args.connections, 10)
    api = start_api(dsn, PORT, args.workers)
    try:
        # warm-up, then the sustained run
        wrk_throughput(path, template.replace(f"B{run_id}", f"W{run_id}"), args.connections, 5)
        thr = wrk_throughput(path, template, args.connections, args.duration)

        probe_body = json.dumps(postback(code=f"DUP-{run_id}"))
        httpx.post(f"http://127.0.0.1:{PORT}{path}", content=probe_body,
                   headers={"content-type": "application/json"})
        stop, probe = threading.Event(), []
        t = threading.Thread(target=dedup_probe, args=(dsn, tenant.perfectpay_key, probe_body, stop, probe))
        t.start()
        lat = asyncio.run(open_loop(f"http://127.0.0.1:{PORT}{path}", args.rate, args.latency_seconds,
                                    lambda i: postback(code=f"L{run_id}-{i}")))
        stop.set()
        t.join()
    finally:
        os.killpg(api.pid, 15)
        api.wait(10)

    with psycopg.connect(dsn, autocommit=True) as conn:
        stored = conn.execute("select count(*) from tracking.inbound where body->>'code' like %s",
                              (f"B{run_id}-%",)).fetchone()[0]
        events = conn.execute("select count(*) from tracking.events where provider_ref like %s",
                              (f"B{run_id}-%",)).fetchone()[0]
    acked = thr["requests"] - thr["non2xx"]
    ms = [x * 1000 for x in lat]
    dd = [x * 1000 for x in probe]
    rows = [
        (f"physical limit: bare INSERT of the same body (pgbench, {args.connections} clients, 10 s)",
         f"{limit:,.0f} rows/s"),
        (f"ingest: Perfect Pay postbacks over HTTP, sustained {args.duration} s (wrk, {args.connections} conns)",
         f"{thr['rps']:,.0f} /s"),
        ("ingest / physical limit", f"{thr['rps'] / limit:.2f}"),
        ("original roadmap target: 1,000 leads per minute (16.7/s): margin", f"{thr['rps'] / (1000 / 60):,.0f}x"),
        ("acknowledged (200) / stored inbound rows / queued events", f"{acked:,} / {stored:,} / {events:,}"),
        (f"ack latency at {args.rate:.0f}/s offered, open loop ({len(ms):,} requests) p50 / p95 / p99",
         f"{percentile(ms, 50):.1f} / {percentile(ms, 95):.1f} / {percentile(ms, 99):.1f} ms"),
        (f"dedup check under that load (SQL answer to a duplicate, {len(dd)} probes) p50 / p99",
         f"{percentile(dd, 50):.2f} / {percentile(dd, 99):.2f} ms"),
    ]
    report = (f"## Ingest (bench/ingest.py, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
              f"API workers={args.workers})\n\n| figure | value |\n|---|---|\n"
              + "".join(f"| {k} | {v} |\n" for k, v in rows))
    print(report)
    print(f"written to {write_result('ingest', report)}")
    # requests still in flight when wrk stopped are stored but not counted by it: stored >= acked
    if stored < acked:
        raise SystemExit(f"LOST: {acked} acknowledged but only {stored} stored")


if __name__ == "__main__":
    main()
