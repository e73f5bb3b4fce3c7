"""Browser events benchmark (issue 16): the landing snippet's `/collect` over HTTP, each event a new
visitor and event_id, against the API (2 processes; events recorded in sets by group commit).

    .venv/bin/python -m bench.collect [--duration 30] [--connections 16]

Prints, from one run: browser events accepted per second (wrk) beside the physical limit (a bare INSERT
of the same body, pgbench, same connections), wrk's latency p50 / p99, and the CPU per accepted event
of the API and of the database (by process group). Prints figures only; nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time

from bench.common import (
    RssSampler,
    postgres_cpu_by_role,
    postmaster_pid,
    scratch_db,
    start_api,
    write_figures,
    write_result,
)
from bench.ingest import bare_insert_limit, wrk_throughput
from core.settings import local_admin_dsn
from tests.apiutil import make_tenant

PORT = 8767
DB = "bench_collect"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=30)
    ap.add_argument("--connections", type=int, default=16)
    args = ap.parse_args()

    dsn = scratch_db(DB)
    tenant = make_tenant(dsn)
    path = f"/collect?key={tenant.collector_key}"
    event = {"visitor_id": "__V__", "event_name": "PageView", "event_id": "__E__",
             "url": "https://loja.example.com/oferta?utm_source=fb", "fbp": "fb.1.1596403881668.1116446470",
             "utm_source": "fb", "utm_campaign": "black-friday"}
    sample = json.dumps(event).replace("__V__", "visitor-sample-1").replace("__E__", "event-sample-1")
    # a printf template for wrk's Lua: every request a new visitor and event (thread id, request number)
    template = json.dumps(event).replace("%", "%%").replace("__V__", "visitor-%d-%d").replace("__E__", "event-%d-%d")
    limit = bare_insert_limit(local_admin_dsn(DB), sample, args.connections, 10)
    api = start_api(dsn, PORT, 2)
    try:
        with RssSampler(1.0) as memory:
            memory.watch("api", api.pid)
            memory.watch("postgres", postmaster_pid(dsn))
            wrk_throughput(path, template.replace("visitor-", "warm-"), args.connections, 3, PORT)
            cpu_before, pg_before = memory.cpu(), postgres_cpu_by_role(dsn)
            thr = wrk_throughput(path, template, args.connections, args.duration, PORT)
            cpu_after, pg_after = memory.cpu(), postgres_cpu_by_role(dsn)
    finally:
        os.killpg(api.pid, 15)
        api.wait(10)
    accepted = thr["requests"] - thr["non2xx"]
    lat = dict(re.findall(r"\s(50|99)%\s+([0-9.]+\w+)", thr["raw"]))
    rows = [
        (f"physical limit: bare INSERT of the same body (pgbench, {args.connections} clients, 10 s)",
         f"{limit:,.0f} rows/s"),
        (f"browser events accepted over HTTP, {args.duration} s (wrk, {args.connections} conns, 2 API processes)",
         f"{thr['rps']:,.0f} /s ({thr['rps'] / limit:.2f}x); non-2xx: {thr['non2xx']}"),
        ("latency p50 / p99 (wrk)", f"{lat.get('50', '?')} / {lat.get('99', '?')}"),
        ("CPU per accepted event: API / database",
         f"{(cpu_after['api'] - cpu_before['api']) / accepted * 1000:.2f} / "
         f"{(cpu_after['postgres'] - cpu_before['postgres']) / accepted * 1000:.2f} ms"),
        ("the database's share, by who asked", ", ".join(
            f"{k} {(v - pg_before.get(k, 0)) / accepted * 1000:.2f} ms" for k, v in
            sorted(pg_after.items(), key=lambda kv: pg_before.get(kv[0], 0) - kv[1])
            if v - pg_before.get(k, 0) > 0.000005 * accepted)),
    ]
    report = (f"## Browser events (bench/collect.py, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores)"
              "\n\n| figure | value |\n|---|---|\n" + "".join(f"| {k} | {v} |\n" for k, v in rows))
    print(report)
    print(f"written to {write_result('collect', report)}")
    write_figures("collect", {"accepted_per_s": thr["rps"], "bare_insert_rows_s": limit})


if __name__ == "__main__":
    main()
