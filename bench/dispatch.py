"""Dispatch benchmark: queue -> Meta throughput of `trackai work dispatch` against the local Meta fake
(answering in 50 ms), compared with the naive design in the same run, plus the latency from an
accepted event to Meta's 200 at a steady offered load.

    .venv/bin/python -m bench.dispatch [--events 20000] [--runs 3] [--dispatchers 2] [--latency-ms 50]

- ours:  N events queued in one transaction; K dispatcher processes (batches of up to 1,000); time from
         the commit to the last event marked sent. Median of --runs runs, each on a fresh database.
- naive: the original roadmap's design, one synchronous Meta call per event with a dedup check before
         and a log insert after (keep-alive HTTP, same fake, same latency). Median of --runs runs.
- latency: events recorded one per transaction at --rate per second for --seconds; for each, Meta's
         acceptance time (the fake's clock) minus our commit time; p50 / p95 / max.
Prints figures only; nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import time
import uuid

import httpx
import psycopg

from bench.common import RssSampler, median, percentile, start_workers, write_figures, write_result
from core import tenants
from core.secrets import Keyring, new_key
from core.settings import REPO_ROOT, local_dsn
from tests import dbutil

PIXEL = "998877665544332"
TOKEN = "EAAGbench" + "x" * 40
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36"
SENT = "select count(*) from tracking.events where status = 'sent'"
RECORD = """
select r.event_id
from generate_series(1, %(n)s) g,
lateral tracking.record_event(
  %(company)s::uuid, null, 'api', %(prefix)s || '-' || g, 'Purchase', now() - interval '2 minutes', 'website',
  'https://loja.example.com.br/obrigado',
  jsonb_build_object('em', 'cliente' || g || '@example.com', 'client_user_agent', %(ua)s::text,
                     'client_ip_address', '200.1.2.' || (g %% 250)),
  jsonb_build_object('value', 97, 'currency', 'BRL')) r
"""


class Fake:
    """The Meta fake in its own process (no GIL shared with the dispatchers or the bench)."""

    def __init__(self, latency_ms: float, pixel: str = PIXEL, token: str = TOKEN):
        self.pixel = pixel
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "fakes.meta_graph", "--port", "0", "--pixel", f"{pixel}:{token}"],
            cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        self.url = line.strip().rsplit(" ", 1)[-1]
        self.http = httpx.Client(base_url=self.url, timeout=30)
        self.latency_ms = latency_ms
        self.reset()

    def reset(self) -> None:
        self.http.post("/_fake/reset", json={})
        self.http.post("/_fake/faults", json={"latency_ms": self.latency_ms})

    def accepted(self) -> list[dict]:
        return self.http.get("/_fake/events", params={"pixel_id": self.pixel}).json()["events"]

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(10)


def fresh_db(keyring: Keyring) -> tuple[str, str, str]:
    name = dbutil.clone("bench_dispatch")
    dsn = local_dsn(name)
    with psycopg.connect(dsn, autocommit=True) as conn:
        slug = f"bench-{uuid.uuid4().hex[:8]}"
        company = tenants.create_company(conn, "Bench " + slug, slug)
        tenants.add_destination(conn, keyring, company, PIXEL, TOKEN)
    return name, dsn, company


def start_dispatchers(dsn: str, fake_url: str, key: str, n: int,
                      memory: RssSampler | None = None) -> list[subprocess.Popen]:
    return start_workers("dispatch", dsn, key, n, memory, {"META_GRAPH_URL": fake_url, "META_TIMEOUT_S": "5"},
                         label="dispatcher")


def stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()


def run_ours(fake: Fake, key: str, keyring: Keyring, events: int, dispatchers: int,
             memory: RssSampler | None = None) -> float:
    fake.reset()
    name, dsn, company = fresh_db(keyring)
    procs = start_dispatchers(dsn, fake.url, key, dispatchers, memory)
    try:
        with psycopg.connect(dsn) as conn:
            conn.execute(RECORD, {"n": events, "company": company, "prefix": "o", "ua": UA})
            conn.commit()
            started = time.perf_counter()
            conn.autocommit = True
            while conn.execute(SENT).fetchone()[0] < events:
                time.sleep(0.01)
            elapsed = time.perf_counter() - started
    finally:
        stop(procs)
        dbutil.drop(name)
    return events / elapsed


def run_naive(fake: Fake, keyring: Keyring, events: int) -> float:
    """One synchronous call per event: dedup check, POST one event, log insert - the roadmap's design."""
    fake.reset()
    name, dsn, company = fresh_db(keyring)
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("create table public.naive_log (event_id text primary key, status int, body text,"
                         " at timestamptz default now())")
            payloads = []
            for i in range(events):
                payloads.append((f"naive-{i}", json.dumps({"data": [{
                    "event_name": "Purchase", "event_time": int(time.time()) - 60, "event_id": f"naive-{i}",
                    "action_source": "website", "event_source_url": "https://loja.example.com.br/obrigado",
                    "user_data": {"em": "a" * 64, "client_user_agent": UA, "client_ip_address": "200.1.2.3"},
                    "custom_data": {"value": 97, "currency": "BRL"}}]})))
            http = httpx.Client(base_url=fake.url, timeout=5)
            headers = {"authorization": f"Bearer {TOKEN}", "content-type": "application/json"}
            started = time.perf_counter()
            for event_id, body in payloads:
                if conn.execute("select 1 from public.naive_log where event_id = %s", (event_id,)).fetchone():
                    continue
                r = http.post(f"/v24.0/{PIXEL}/events", content=body, headers=headers)
                conn.execute("insert into public.naive_log (event_id, status, body) values (%s, %s, %s)",
                             (event_id, r.status_code, r.text))
            elapsed = time.perf_counter() - started
            http.close()
    finally:
        dbutil.drop(name)
    return events / elapsed


def run_latency(fake: Fake, key: str, keyring: Keyring, rate: float, seconds: float,
                dispatchers: int, memory: RssSampler | None = None) -> list[float]:
    """Record events one per transaction at `rate`/s; seconds from each commit to Meta's acceptance."""
    fake.reset()
    name, dsn, company = fresh_db(keyring)
    procs = start_dispatchers(dsn, fake.url, key, dispatchers, memory)
    committed: dict[str, float] = {}
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            total = int(rate * seconds)
            started = time.time()
            for i in range(total):
                due = started + i / rate
                if due > time.time():
                    time.sleep(due - time.time())
                event_id = conn.execute(RECORD, {"n": 1, "company": company, "prefix": f"l{i}", "ua": UA}
                                        ).fetchone()[0]
                committed[event_id] = time.time()
            deadline = time.monotonic() + 60
            while conn.execute(SENT).fetchone()[0] < total:
                if time.monotonic() > deadline:
                    raise RuntimeError("not every event was delivered")
                time.sleep(0.05)
        accepted = {e["event_id"]: e["received_at"] for e in fake.accepted()}
    finally:
        stop(procs)
        dbutil.drop(name)
    return sorted(accepted[e] - t for e, t in committed.items())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.dispatch", description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=20_000, help="events per run of ours")
    parser.add_argument("--naive-events", type=int, default=300, help="events per run of the naive design")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dispatchers", type=int, default=2)
    parser.add_argument("--latency-ms", type=float, default=50.0, help="the fake's answer time")
    parser.add_argument("--rate", type=float, default=300.0, help="events/s offered in the latency run")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the latency run")
    args = parser.parse_args(argv)

    key = "bench:" + new_key()
    keyring = Keyring.parse(key)
    dbutil.build_template()
    fake = Fake(args.latency_ms)
    lines: list[str] = []

    def say(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    memory = RssSampler(0.5)
    try:
        with memory:
            say(f"dispatch benchmark: fake answers in {args.latency_ms:.0f} ms, {args.dispatchers} dispatcher "
                f"process(es), batches of up to 1,000, medians of {args.runs} runs")
            ours = [run_ours(fake, key, keyring, args.events, args.dispatchers, memory) for _ in range(args.runs)]
            say(f"  ours : {args.events:,} events/run: " + ", ".join(f"{x:,.0f}" for x in ours)
                + f" events/s -> median {median(ours):,.0f} events/s")
            naive = [run_naive(fake, keyring, args.naive_events) for _ in range(args.runs)]
            say(f"  naive: {args.naive_events:,} events/run: " + ", ".join(f"{x:,.1f}" for x in naive)
                + f" events/s -> median {median(naive):,.1f} events/s")
            say(f"  ratio ours / naive: {median(ours) / median(naive):,.0f}x")
            lat = run_latency(fake, key, keyring, args.rate, args.seconds, args.dispatchers, memory)
            say(f"  accepted -> Meta 200 at {args.rate:.0f} events/s offered for {args.seconds:.0f} s "
                f"({len(lat):,} events): p50 {percentile(lat, 50) * 1000:,.0f} ms, "
                f"p95 {percentile(lat, 95) * 1000:,.0f} ms, max {lat[-1] * 1000:,.0f} ms")
    finally:
        fake.stop()
        dbutil.drop_template()
    cmd = "python -m bench.dispatch " + " ".join(argv if argv is not None else sys.argv[1:])
    body = "\n".join(lines)
    write_result("dispatch", f"# Dispatch benchmark\n\n`{cmd.strip()}`\n\n```\n{body}\n```\n")
    write_figures("dispatch", {
        "ours_events_s": median(ours), "naive_events_s": median(naive), "fake_latency_ms": args.latency_ms,
        "dispatchers": args.dispatchers, "rate": args.rate,
        "accepted_to_meta_ms": {p: percentile(lat, p) * 1000 for p in (50, 95, 99)},
        "peak_rss_mib": memory.peaks()})

if __name__ == "__main__":
    main()
