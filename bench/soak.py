"""Soak: a steady mixed load against the real API + dispatcher + Meta fake, with memory sampled.

    .venv/bin/python -m bench.soak [--duration 600] [--rate 300] [--warmup 60]

Load (open loop, fixed rate, raw keep-alive HTTP as in bench/ingest.py), request i by i % 10:
0-3 a new Perfect Pay postback (a new sale), 4 a duplicate of an earlier postback, 5-7 a browser event
through /collect, 8-9 a signed WhatsApp webhook (an inbound message). The API (2 workers), one
dispatcher and the Meta fake (answering in 50 ms) run as their own processes; every --every seconds
the RSS of each (with its children) and pgmq's queue metrics are sampled.

Asserted, exit status 1 otherwise:
- memory: for the API and the dispatcher, after the warm-up, the median RSS of the last third of the
  samples is at most 1.2x the median of the first third (the fake keeps every event it accepts by
  design, so it is reported, not judged);
- queue age: no sample of any pgmq queue shows a message older than 5 s;
- nothing lost: every event_id acknowledged by the API (postbacks and browser events) is at the
  fake exactly once after the load stops and the queue drains, and the fake holds nothing else.
Reported, not judged: the rate achieved (on a busy 2-core machine the API may not keep up with the
offered rate; latency is then measured from each request's due time, so the backlog shows) and any
503 (database pool exhausted: "retry shortly", nothing stored, so nothing to lose).
Prints and writes bench/results/soak.md and soak.json (figures for bench/report.py), and soak.png (RSS
over time).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import threading
import time
import uuid
from collections import Counter

import psycopg

from bench.common import (
    RESULTS,
    RssSampler,
    median,
    percentile,
    scratch_db,
    start_api,
    start_workers,
    write_figures,
    write_result,
)
from bench.dispatch import PIXEL, TOKEN, Fake, start_dispatchers, stop
from bench.ingest import open_loop_requests
from core import tenants
from core.secrets import Keyring
from core.settings import load
from fakes import whatsapp as wa
from fakes.perfectpay import approved_now
from tests.apiutil import ORIGIN, connect_whatsapp, make_tenant, postback
from tests.dispatchutil import UA

PORT = 8767
WA_SECRET = "soak_app_secret_" + uuid.uuid4().hex
GROWTH_LIMIT = 1.2
MAX_QUEUE_AGE_S = 5.0
JUDGED = ("api", "dispatcher-1")


class Mix:
    """Request i of the soak, and what the API answered to it."""

    def __init__(self, run: str, tenant, waba: str, phone: str):
        self.run, self.tenant, self.waba, self.phone = run, tenant, waba, phone
        self.sent_at: dict[int, float] = {}
        self.accepted: dict[str, str] = {}  # event_id -> kind ("postback" | "browser")
        self.postback_sent: dict[str, float] = {}  # event_id -> when its first postback was sent
        self.statuses: Counter = Counter()
        self.answer_ms: list[float] = []  # from the moment request i actually went out
        self.approved = approved_now()

    def request(self, i: int) -> tuple[str, dict, bytes]:
        slot = i % 10
        self.sent_at[i] = time.time()
        json_headers = {"Content-Type": "application/json"}
        if slot <= 4:  # a new sale, or (4) the sale of request i - 3 again
            code = f"S{self.run}-{i - 3 if slot == 4 else i}"
            body = postback(code=code, date_approved=self.approved, date_created=self.approved)
            return f"/webhooks/perfectpay/{self.tenant.perfectpay_key}", json_headers, json.dumps(body).encode()
        if slot <= 7:
            body = {"event_name": "PageView", "event_id": f"pv-{self.run}-{i}", "visitor_id": f"v{self.run}{i:010d}",
                    "url": f"{ORIGIN}/oferta?utm_source=facebook", "fbp": f"fb.1.{int(time.time() * 1000)}.{i}"}
            return (f"/collect?key={self.tenant.collector_key}",
                    {**json_headers, "Origin": ORIGIN, "User-Agent": UA, "X-Forwarded-For": "200.1.2.3"},
                    json.dumps(body).encode())
        customer = f"5531{i // 50:09d}"
        payload = wa.envelope(waba_id=self.waba, phone_number_id=self.phone, display_phone_number="5531999990000",
                              contacts=[wa.contact(customer, "Cliente Soak")],
                              messages=[wa.text_message(customer, "Oi, quero saber o preço",
                                                        wamid=f"wamid.soak{self.run}.{i}")])
        raw, headers = wa.signed_request(payload, WA_SECRET)
        return "/webhooks/whatsapp", headers, raw

    def answer(self, i: int, status: int, body: bytes) -> None:
        self.statuses[status] += 1
        self.answer_ms.append((time.time() - self.sent_at[i]) * 1000)
        slot = i % 10
        if status >= 300 or slot >= 8:
            self.sent_at.pop(i, None)
            return
        event_id = json.loads(body)["event_id"]
        self.accepted[event_id] = "postback" if slot <= 4 else "browser"
        if slot <= 4:
            self.postback_sent.setdefault(event_id, self.sent_at[i])
        self.sent_at.pop(i, None)


def queue_ages(dsn: str, stop_event: threading.Event, every_s: float, out: list[tuple[float, str, float, int]]):
    """pgmq.metrics_all() every `every_s`: (t, queue, oldest message age s, length)."""
    t0 = time.monotonic()
    with psycopg.connect(dsn, autocommit=True) as conn:
        while not stop_event.wait(every_s):
            for name, age, length in conn.execute(
                    "select queue_name, coalesce(oldest_msg_age_sec, 0), queue_length from pgmq.metrics_all()"):
                out.append((time.monotonic() - t0, name, float(age), int(length)))


def growth(samples: list[tuple[float, float]], warmup_s: float) -> tuple[float, float, float]:
    """(first-third median, last-third median, ratio) of the samples after the warm-up."""
    after = [v for t, v in samples if t >= warmup_s]
    third = max(1, len(after) // 3)
    first, last = median(after[:third]), median(after[-third:])
    return first, last, last / first


def chart(samples: dict[str, list[tuple[float, float]]], warmup_s: float, path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4))
    for name, series in samples.items():
        ax.plot([t / 60 for t, _ in series], [v for _, v in series], label=name)
    ax.axvline(warmup_s / 60, color="grey", linestyle=":", label="end of warm-up")
    ax.set_xlabel("minutes")
    ax.set_ylabel("RSS (MiB)")
    ax.set_title("Soak: resident memory per process")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=600, help="seconds of load")
    ap.add_argument("--rate", type=float, default=300, help="requests per second offered")
    ap.add_argument("--warmup", type=float, default=60, help="seconds not judged for memory growth")
    ap.add_argument("--every", type=float, default=3, help="seconds between memory / queue samples")
    ap.add_argument("--connections", type=int, default=32)
    args = ap.parse_args(argv)

    os.environ["WHATSAPP_APP_SECRET"] = WA_SECRET  # the API started below checks signatures with it
    settings = load()
    dsn = scratch_db("bench_soak")
    tenant = make_tenant(dsn, with_destination=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        tenants.add_destination(conn, Keyring.parse(settings.secret_key), tenant.company_id, PIXEL, TOKEN)
    waba, phone = connect_whatsapp(dsn, tenant.company_id)
    mix = Mix(uuid.uuid4().hex[:6], tenant, waba, phone)

    fake = Fake(50)
    api = start_api(dsn, PORT, workers=2)
    ages: list[tuple[float, str, float, int]] = []
    stop_ages = threading.Event()
    with RssSampler(args.every) as memory:
        memory.watch("api", api.pid)
        memory.watch("meta-fake", fake.proc.pid)
        dispatchers = start_dispatchers(dsn, fake.url, settings.secret_key, 1, memory) + \
            start_workers("ingest", dsn, settings.secret_key, 1, memory)
        sampler = threading.Thread(target=queue_ages, args=(dsn, stop_ages, args.every, ages), daemon=True)
        sampler.start()
        try:
            started = time.time()
            lat = asyncio.run(open_loop_requests(args.rate, args.duration, mix.request, mix.answer,
                                                 args.connections, PORT))
            load_s = time.time() - started
            drained = wait_drained(dsn, timeout_s=120)
        finally:
            stop_ages.set()
            sampler.join(10)
            stop(dispatchers)
            os.killpg(api.pid, signal.SIGTERM)
            api.wait(10)
    try:
        delivered = fake.accepted()
    finally:
        fake.stop()

    copies = Counter(e["event_id"] for e in delivered)
    missing = [e for e in mix.accepted if copies[e] == 0]
    twice = [e for e in mix.accepted if copies[e] > 1]
    unexpected = [e for e in copies if e not in mix.accepted]
    received = {e["event_id"]: e["received_at"] for e in delivered}
    to_meta = [(received[e] - t) * 1000 for e, t in mix.postback_sent.items() if e in received]
    ms = [x * 1000 for x in lat]
    max_age = max((a for _, _, a, _ in ages), default=0.0)
    judged = {n: growth(memory.samples[n], args.warmup) for n in JUDGED}

    failures = []
    failures += [f"{n}: RSS grew {r:.2f}x after warm-up (limit {GROWTH_LIMIT}x)"
                 for n, (_, _, r) in judged.items() if r > GROWTH_LIMIT]
    if max_age > MAX_QUEUE_AGE_S:
        failures.append(f"a queue held a message {max_age:.1f} s (limit {MAX_QUEUE_AGE_S:.0f} s)")
    if missing or twice or unexpected or not drained:
        failures.append(f"delivery: {len(missing)} missing, {len(twice)} delivered twice, "
                        f"{len(unexpected)} unexpected at the fake")

    peaks = memory.peaks()
    rows = [
        ("load", f"{len(lat):,} requests in {load_s:.0f} s ({len(lat) / load_s:.0f}/s offered {args.rate:.0f}/s): "
                 "40% new postbacks, 10% duplicate postbacks, 30% browser events, 20% WhatsApp webhooks"),
        ("answers by status", ", ".join(f"{k}: {v:,}" for k, v in sorted(mix.statuses.items()))),
        ("ack latency from the due time p50 / p95 / p99 (open loop: includes any backlog)",
         f"{percentile(ms, 50):.1f} / {percentile(ms, 95):.1f} / {percentile(ms, 99):.1f} ms"),
        ("ack latency from the actual send p50 / p95 / p99", " / ".join(
            f"{percentile(mix.answer_ms, p):.1f}" for p in (50, 95, 99)) + " ms"),
        ("postback -> Meta fake accepted, p50 / p95 / p99",
         f"{percentile(to_meta, 50):.0f} / {percentile(to_meta, 95):.0f} / {percentile(to_meta, 99):.0f} ms"),
        ("acknowledged events / at the fake once / missing / twice / unexpected",
         f"{len(mix.accepted):,} / {sum(1 for e in mix.accepted if copies[e] == 1):,} / {len(missing)} / "
         f"{len(twice)} / {len(unexpected)}"),
        (f"oldest queued message, max over {len(ages)} samples", f"{max_age:.1f} s (limit {MAX_QUEUE_AGE_S:.0f} s)"),
        *[(f"RSS {n}: median first third / last third after {args.warmup:.0f} s warm-up",
           f"{a:.0f} / {b:.0f} MiB = {r:.2f}x (limit {GROWTH_LIMIT}x)") for n, (a, b, r) in judged.items()],
        ("peak RSS", ", ".join(f"{n} {v:.0f} MiB" for n, v in sorted(peaks.items()))),
        ("peak RSS of each API process (uvicorn's master first, then its workers)",
         " / ".join(f"{v:.0f}" for _, v in sorted(memory.process_peaks["api"].items())) + " MiB"),
        ("verdict", "PASS" if not failures else "FAIL: " + "; ".join(failures)),
    ]
    report = (f"## Soak (bench/soak.py, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
              f"`python -m bench.soak --duration {args.duration:.0f} --rate {args.rate:.0f}`)\n\n"
              "| figure | value |\n|---|---|\n" + "".join(f"| {k} | {v} |\n" for k, v in rows))
    print(report)
    write_result("soak", report)
    chart(memory.samples, args.warmup, RESULTS / "soak.png")
    write_figures("soak", {
        "duration_s": args.duration, "rate": args.rate, "requests": len(lat), "accepted": len(mix.accepted),
        "ack_ms": {p: percentile(ms, p) for p in (50, 95, 99)}, "achieved_rate": len(lat) / load_s,
        "answer_ms": {p: percentile(mix.answer_ms, p) for p in (50, 95, 99)},
        "postback_to_meta_ms": {p: percentile(to_meta, p) for p in (50, 95, 99)},
        "max_queue_age_s": max_age, "growth": {n: r for n, (_, _, r) in judged.items()},
        "peak_rss_mib": peaks, "missing": len(missing), "twice": len(twice), "passed": not failures})
    return 1 if failures else 0


def wait_drained(dsn: str, timeout_s: float) -> bool:
    """Until nothing waits to be processed or sent: the ingest and dispatch queues are empty."""
    deadline = time.monotonic() + timeout_s
    with psycopg.connect(dsn, autocommit=True) as conn:
        while time.monotonic() < deadline:
            if not conn.execute("select exists (select 1 from tracking.events"
                                " where status in ('received', 'queued', 'retrying'))"
                                " or exists (select 1 from pgmq.q_dispatch)"
                                " or exists (select 1 from pgmq.q_ingest)").fetchone()[0]:
                return True
            time.sleep(1)
    return False


if __name__ == "__main__":
    sys.exit(main())
