"""WhatsApp webhook benchmark (issue 7): inbound messages accepted per second over HTTP, against the bare
INSERT baseline measured in the same run.

    .venv/bin/python -m bench.whatsapp [--runs 3] [--duration 15] [--connections 16] [--workers 2]

- baseline: a bare INSERT of the same notification body into a jsonb table (pgbench, same client count,
  10 s) - what this machine's Postgres does with no logic, no HTTP, no signature;
- webhook: signed Cloud API notifications (one inbound text message each, as Meta sends them) posted to
  POST /webhooks/whatsapp of the API started like bench/common.py's start_api. Every message is new: one
  contact in ten comes from a click-to-WhatsApp ad (referral: a new contact and conversation with its
  ctwa_clid), the other nine write again in their open conversation. Load: a closed loop of
  --connections keep-alive connections from an asyncio client written on raw sockets (each body is
  signed with the app secret, so wrk's Lua cannot generate them), --duration seconds per run;
- printed: the median over --runs of accepted messages/s (200 answers / s), the median of the per-run
  request latency p50 / p99, the ratio to the baseline, the client's own CPU share (it runs on the
  same 2 cores), and that every accepted message was mirrored (whatsapp.messages rows == 200s).
Prints figures only; nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import re
import socket
import time
import uuid

import psycopg

from bench.common import median, percentile, scratch_db, start_api, write_result
from bench.ingest import bare_insert_limit
from core.settings import local_admin_dsn
from fakes import whatsapp as wa
from tests.apiutil import connect_whatsapp, make_tenant

PORT = 8766
SECRET = "bench_app_secret_" + uuid.uuid4().hex
PATH = "/webhooks/whatsapp"


def template(waba: str, phone: str) -> tuple[str, str]:
    """(plain message body, CTWA message body) with placeholders replaced per request."""
    def body(ref: dict | None) -> str:
        m = wa.text_message("__WA__", "Olá! Quero saber o preço do kit, por favor.", wamid="__WAMID__",
                            timestamp=0, referral=ref)
        m["timestamp"] = "__TS__"
        return wa.dumps(wa.envelope(waba_id=waba, phone_number_id=phone, display_phone_number="5531999990000",
                                    contacts=[wa.contact("__WA__", "Cliente Bench")], messages=[m])).decode()
    return body(None), body(wa.referral(ctwa_clid="__CLID__"))


class Load:
    """Builds request n of connection c: contact (c, n // 10); every tenth message carries the ad referral."""

    def __init__(self, run: str, plain: str, ctwa: str):
        self.run, self.plain, self.ctwa = run, plain, ctwa

    def request(self, c: int, n: int) -> bytes:
        contact = f"55{c:03d}{n // 10:08d}"
        body = (self.ctwa if n % 10 == 0 else self.plain)
        body = (body.replace("__WAMID__", f"wamid.bench{self.run}.{c}.{n}").replace("__WA__", contact)
                .replace("__TS__", str(int(time.time()))).replace("__CLID__", f"Aff-{self.run}-{c}-{n}")).encode()
        sig = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        return (f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"X-Hub-Signature-256: {sig}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body


CONTENT_LENGTH = re.compile(rb"content-length:\s*(\d+)", re.I)


async def connection(load: Load, c: int, stop_at: float, latencies: list[float], codes: dict[int, int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
    writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    n = 0
    try:
        while time.perf_counter() < stop_at:
            req = load.request(c, n)
            n += 1
            t0 = time.perf_counter()
            writer.write(req)
            head = await reader.readuntil(b"\r\n\r\n")
            length = CONTENT_LENGTH.search(head)
            await reader.readexactly(int(length.group(1)) if length else 0)
            latencies.append(time.perf_counter() - t0)
            status = int(head[9:12])
            codes[status] = codes.get(status, 0) + 1
    finally:
        writer.close()


async def closed_loop(load: Load, connections: int, seconds: float) -> dict:
    latencies: list[float] = []
    codes: dict[int, int] = {}
    cpu0, t0 = time.process_time(), time.perf_counter()
    stop_at = t0 + seconds
    await asyncio.gather(*(connection(load, c, stop_at, latencies, codes) for c in range(connections)))
    wall = time.perf_counter() - t0
    return {"accepted_per_s": codes.get(200, 0) / wall, "accepted": codes.get(200, 0),
            "other": {k: v for k, v in codes.items() if k != 200}, "p50_ms": percentile(latencies, 50) * 1000,
            "p99_ms": percentile(latencies, 99) * 1000, "client_cpu": (time.process_time() - cpu0) / wall}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--duration", type=float, default=15)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()

    dsn = scratch_db("bench_whatsapp")
    tenant = make_tenant(dsn)
    waba, phone = connect_whatsapp(dsn, tenant.company_id)
    plain, ctwa = template(waba, phone)
    sample = plain.replace("__WAMID__", "wamid.sample").replace("__WA__", "5531999990000").replace("__TS__", "0")

    os.environ["WHATSAPP_APP_SECRET"] = SECRET
    runs, baselines = [], []
    api = start_api(dsn, PORT, args.workers)
    try:
        asyncio.run(closed_loop(Load("warm", plain, ctwa), args.connections, 3))  # warm-up
        for i in range(args.runs):
            baselines.append(bare_insert_limit(local_admin_dsn("bench_whatsapp"), sample, args.connections, 10))
            result = asyncio.run(closed_loop(Load(f"r{i}{uuid.uuid4().hex[:4]}", plain, ctwa), args.connections,
                                             args.duration))
            print(f"run {i + 1}: {result['accepted_per_s']:,.0f} messages/s accepted"
                  f" (p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, other answers {result['other']},"
                  f" client CPU {result['client_cpu']:.0%}); bare INSERT {baselines[-1]:,.0f} rows/s", flush=True)
            runs.append(result)
    finally:
        os.killpg(api.pid, 15)
        api.wait(10)

    with psycopg.connect(dsn, autocommit=True) as conn:
        mirrored = conn.execute("select count(*) from whatsapp.messages where wamid like 'wamid.benchr%'").fetchone()[0]
        failed = conn.execute("select count(*) from tracking.inbound where status = 'failed'").fetchone()[0]
        conversations = conn.execute("select count(*) from whatsapp.conversations").fetchone()[0]
    accepted_total = sum(r["accepted"] for r in runs)
    rate = median([r["accepted_per_s"] for r in runs])
    limit = median(baselines)
    p50 = median([r["p50_ms"] for r in runs])
    p99 = median([r["p99_ms"] for r in runs])
    cpu = median([r["client_cpu"] for r in runs])
    rows = [
        (f"baseline: bare INSERT of the same {len(sample):,}-byte body (pgbench, {args.connections} clients, 10 s)",
         f"{limit:,.0f} rows/s"),
        (f"inbound messages accepted over HTTP (signed, one per POST, {args.connections} connections,"
         f" {args.duration:.0f} s)", f"{rate:,.0f} /s"),
        ("accepted / bare INSERT", f"{rate / limit:.3f}"),
        ("request latency p50 / p99", f"{p50:.1f} / {p99:.1f} ms"),
        ("load client's CPU (same machine)", f"{cpu:.0%} of one core"),
        ("accepted (200) in the measured runs / mirrored messages / failed inbound rows",
         f"{accepted_total:,} / {mirrored:,} / {failed}"),
        ("conversations created (1 contact in 10 from an ad)", f"{conversations:,}"),
    ]
    report = (f"## WhatsApp webhook (bench/whatsapp.py, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores,"
              f" API workers={args.workers})\n\n| figure (median of {args.runs} runs) | value |\n|---|---|\n"
              + "".join(f"| {k} | {v} |\n" for k, v in rows))
    print(report)
    print(f"written to {write_result('whatsapp', report)}")
    if mirrored != accepted_total or failed:
        raise SystemExit(f"LOST: {accepted_total} acknowledged, {mirrored} mirrored, {failed} failed")
    print(json.dumps({"accepted_per_s": round(rate), "baseline_rows_per_s": round(limit),
                      "ratio": round(rate / limit, 3)}))


if __name__ == "__main__":
    main()
