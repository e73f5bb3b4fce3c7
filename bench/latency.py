"""Latency benchmark (issue 15): a Perfect Pay postback sent -> its event accepted by the Meta fake, at
low traffic as well as under load, against the API, the ingest worker, a dispatcher and the Meta fake as
processes (as bench/soak.py runs them).

    .venv/bin/python -m bench.latency [--short] [--only steady ...] [--ingesters 1] [--dispatchers 1]

Scenarios, one after the other on one scratch database (each waits until everything sent before it
has reached the fake):
- single: one postback every 1-2 s (random);
- pairs:  two postbacks 10-100 ms apart (random), a pair every 1.5 s;
- bursts: five postbacks sent at once, a burst every 2 s;
- steady: 300 postbacks/s for 30 s (open loop);
- idle:   one postback right after a minute with nothing (the workers asleep), three times
          (61 s apart, each delivered well within the second).

Each postback is a new sale (a unique `code`); the API's answer names its `event_id`, matched with the
fake's arrival time (`received_at`, stamped once the fake's 50 ms answer time has passed, so the 50 ms
are included). The latency is that arrival minus the moment the request went out, same machine clock.
Judged per scenario: p95 <= 500 ms and max <= 1 s, every postback at the fake; exit status 1 otherwise.
Also shown, to say where the time went: the answer (ack) time and the time to the ingest worker's
transaction that processed the postback (`tracking.events.queued_at`).
--short: 5 singles, 5 pairs, 3 bursts, 5 s of steady, one postback after 5 s idle (a smoke run).
Prints and writes bench/results/latency.md and latency.json (figures for bench/report.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import sys
import time
import uuid
from dataclasses import dataclass, field

import psycopg

from bench.common import RssSampler, percentile, scratch_db, start_api, start_workers, write_figures, write_result
from bench.dispatch import PIXEL, TOKEN, Fake, start_dispatchers, stop
from bench.ingest import open_loop_requests
from bench.soak import wait_drained
from core import tenants
from core.secrets import Keyring
from core.settings import load
from fakes.perfectpay import approved_now
from tests.apiutil import make_tenant, postback

PORT = 8768
P95_LIMIT_MS = 500.0
MAX_LIMIT_MS = 1000.0
FAKE_ANSWER_MS = 50.0


@dataclass
class Scenario:
    name: str
    what: str
    offsets: list[float]  # when each postback is due, seconds from the scenario's start
    connections: int = 8
    idle_before_s: float = 0.0  # nothing at all for this long before the first postback
    sent_at: dict[int, float] = field(default_factory=dict)  # request i -> wall clock when it went out
    acked_ms: list[float] = field(default_factory=list)
    event_sent: dict[str, float] = field(default_factory=dict)  # event_id -> wall clock when it went out
    errors: list[int] = field(default_factory=list)


def scenarios(short: bool, rng: random.Random) -> list[Scenario]:
    n = 5 if short else 20
    single, t = [], 0.0
    for _ in range(n):
        single.append(t)
        t += rng.uniform(1.0, 2.0)
    pairs = []
    for k in range(n):
        pairs += [k * 1.5, k * 1.5 + rng.uniform(0.010, 0.100)]
    bursts = [k * 2.0 for k in range(3 if short else 10) for _ in range(5)]
    rate, seconds = 300.0, 5.0 if short else 30.0
    steady = [i / rate for i in range(int(rate * seconds))]
    idle_s = 5.0 if short else 60.0
    out = [
        Scenario("single", "one postback every 1-2 s", single),
        Scenario("pairs", "two postbacks 10-100 ms apart, a pair every 1.5 s", pairs),
        Scenario("bursts", "five postbacks at once, a burst every 2 s", bursts),
        Scenario("steady", f"{rate:.0f} postbacks/s for {seconds:.0f} s", steady, connections=32),
    ]
    rounds = 1 if short else 3  # each postback after idle_s with nothing at all (delivered in < 1 s)
    times = "once" if rounds == 1 else f"{rounds} times"
    out.append(Scenario("idle", f"one postback after {idle_s:.0f} s idle, {times}",
                        [k * (idle_s + 1.0) for k in range(rounds)], idle_before_s=idle_s))
    return out


def run(s: Scenario, path: str, prefix: str) -> None:
    approved = approved_now()

    def request(i: int) -> tuple[str, dict, bytes]:
        body = postback(code=f"{prefix}-{s.name}-{i}", date_approved=approved, date_created=approved)
        s.sent_at[i] = time.time()
        return path, {"Content-Type": "application/json"}, json.dumps(body).encode()

    def answer(i: int, status: int, body: bytes) -> None:
        s.acked_ms.append((time.time() - s.sent_at[i]) * 1000)
        if status != 200:
            s.errors.append(status)
            return
        s.event_sent[json.loads(body)["event_id"]] = s.sent_at[i]

    asyncio.run(open_loop_requests(0, 0, request, answer, s.connections, PORT, offsets=s.offsets))


def figures(s: Scenario, at_fake: dict[str, float], processed: dict[str, float]) -> dict:
    to_meta = [(at_fake[e] - t) * 1000 for e, t in s.event_sent.items() if e in at_fake]
    to_worker = [(processed[e] - t) * 1000 for e, t in s.event_sent.items() if e in processed]
    missing = len(s.offsets) - len(to_meta)

    def pcts(v: list[float]) -> dict:
        return {"p50": percentile(v, 50), "p95": percentile(v, 95), "max": max(v, default=float("nan"))}

    f = {"what": s.what, "postbacks": len(s.offsets), "missing": missing, "errors": len(s.errors),
         "to_meta_ms": pcts(to_meta), "ack_ms": pcts(s.acked_ms), "to_ingest_worker_ms": pcts(to_worker)}
    f["passed"] = (missing == 0 and f["to_meta_ms"]["p95"] <= P95_LIMIT_MS
                   and f["to_meta_ms"]["max"] <= MAX_LIMIT_MS)
    return f


def measure(plan: list[Scenario], dsn: str, path: str, prefix: str, fake: Fake, key: str,
            ingesters: int = 1, dispatchers: int = 1) -> RssSampler:
    """Runs the scenarios against the API, ingest workers and dispatchers started here (and stopped)."""
    api = start_api(dsn, PORT, workers=2)
    workers = []
    try:
        with RssSampler(1.0) as memory:
            memory.watch("api", api.pid)
            workers += start_dispatchers(dsn, fake.url, key, dispatchers, memory)
            workers += start_workers("ingest", dsn, key, ingesters, memory)
            # warm-up, not measured: the API's pool, the workers' plans
            run(Scenario("warmup", "", [k * 0.05 for k in range(20)]), path, prefix)
            wait_drained(dsn, timeout_s=60)
            for s in plan:
                print(f"== {s.name}: {s.what}", flush=True)
                time.sleep(s.idle_before_s)
                run(s, path, prefix)
                if not wait_drained(dsn, timeout_s=120):
                    print(f"   {s.name}: not everything reached the fake within 120 s", flush=True)
                time.sleep(1.0)
    finally:
        stop(workers)
        os.killpg(api.pid, signal.SIGTERM)
        api.wait(10)
    return memory


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.latency", description=__doc__.splitlines()[0])
    ap.add_argument("--short", action="store_true", help="fewer postbacks, 5 s steady, one 5 s idle: a smoke run")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--only", action="append", metavar="SCENARIO",
                    help="run only this scenario (single, pairs, bursts, steady, idle); repeatable")
    ap.add_argument("--ingesters", type=int, default=1, help="`trackai work ingest` processes")
    ap.add_argument("--dispatchers", type=int, default=1, help="`trackai work dispatch` processes")
    args = ap.parse_args(argv)

    settings = load()
    dsn = scratch_db("bench_latency")
    tenant = make_tenant(dsn, with_destination=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        tenants.add_destination(conn, Keyring.parse(settings.secret_key), tenant.company_id, PIXEL, TOKEN)
    path = f"/webhooks/perfectpay/{tenant.perfectpay_key}"
    prefix = f"LAT{uuid.uuid4().hex[:6]}"
    plan = [s for s in scenarios(args.short, random.Random(args.seed)) if not args.only or s.name in args.only]

    fake = Fake(FAKE_ANSWER_MS)
    try:
        memory = measure(plan, dsn, path, prefix, fake, settings.secret_key, args.ingesters, args.dispatchers)
        at_fake = {e["event_id"]: e["received_at"] for e in fake.accepted()}
    finally:
        fake.stop()
    with psycopg.connect(dsn, autocommit=True) as conn:
        processed = {e: t.timestamp() for e, t in conn.execute(
            "select event_id, queued_at from tracking.events where queued_at is not null")}

    results = {s.name: figures(s, at_fake, processed) for s in plan}
    passed = all(f["passed"] for f in results.values())

    def ms(d: dict) -> str:
        return f"{d['p50']:,.0f} / {d['p95']:,.0f} / {d['max']:,.0f}"

    cmd = " ".join(["python -m bench.latency", *(argv if argv is not None else sys.argv[1:])])
    lines = [f"## Latency: postback -> Meta fake (bench/latency.py, {time.strftime('%Y-%m-%d %H:%M')}, "
             f"{os.cpu_count()} cores, `{cmd}`)", "",
             f"API (2 workers), {args.ingesters} ingest worker(s), {args.dispatchers} dispatcher(s), "
             f"Meta fake answering in {FAKE_ANSWER_MS:.0f} ms "
             f"(included). Target per scenario: p95 <= {P95_LIMIT_MS:.0f} ms, max <= {MAX_LIMIT_MS:.0f} ms.", "",
             "| scenario | postbacks | postback -> Meta fake p50 / p95 / max | ack p50 / p95 / max "
             "| -> ingest worker p50 / p95 / max | verdict |",
             "|---|---|---|---|---|---|"]
    for s in plan:
        f = results[s.name]
        verdict = "PASS" if f["passed"] else "FAIL" + (f" ({f['missing']} missing)" if f["missing"] else "")
        lines.append(f"| {s.name}: {s.what} | {f['postbacks']:,} | {ms(f['to_meta_ms'])} ms | {ms(f['ack_ms'])} ms "
                     f"| {ms(f['to_ingest_worker_ms'])} ms | {verdict} |")
    lines += ["", f"verdict: {'PASS' if passed else 'FAIL'}; peak RSS: "
              + ", ".join(f"{n} {v:.0f} MiB" for n, v in sorted(memory.peaks().items())), ""]
    report = "\n".join(lines)
    print(report)
    print(f"written to {write_result('latency', report)}")
    write_figures("latency", {  # scenarios as a list: the summary keeps their order
        "scenarios": [{"name": n, **f} for n, f in results.items()], "passed": passed,
        "fake_answer_ms": FAKE_ANSWER_MS, "p95_limit_ms": P95_LIMIT_MS, "max_limit_ms": MAX_LIMIT_MS,
        "short": args.short, "peak_rss_mib": memory.peaks()})
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
