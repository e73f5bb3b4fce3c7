"""`make bench`: every benchmark one after another (they share the 2 cores), the 10-minute soak, the
fault suite in its long form, then ONE summary table (bench/report.py: bench/results/summary.md and
summary.png) plus bench/results/ALL.md, the per-benchmark reports put together.

    .venv/bin/python -m bench.run_all [--short]

--short runs each benchmark briefly, a 30 s soak and no fault suite: a smoke run of the whole chain.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time

from bench import report
from bench.common import RESULTS

BENCHES = [
    ("ingest", ["-m", "bench.ingest"], ["--duration", "5", "--latency-seconds", "3"]),
    ("processing", ["-m", "bench.processing"], ["--postbacks", "2000", "--profile-postbacks", "500"]),
    ("collect", ["-m", "bench.collect"], ["--duration", "5"]),
    ("dispatch", ["-m", "bench.dispatch"], ["--events", "2000", "--runs", "1", "--naive-events", "50",
                                            "--seconds", "3"]),
    ("whatsapp", ["-m", "bench.whatsapp"], ["--runs", "1", "--duration", "3"]),
    ("monitoring_views", ["-m", "bench.monitoring_views"], ["--events", "20000"]),
    ("attribution", ["-m", "bench.attribution"], ["--purchases", "20000", "--companies", "20", "--samples", "5"]),
    ("latency", ["-m", "bench.latency"], ["--short"]),
    ("soak", ["-m", "bench.soak"], ["--duration", "30", "--warmup", "10", "--every", "1"]),
]


def fault_suite() -> bool:
    """pytest -m faults with the long form switched on; its outcome goes in the summary."""
    started = time.monotonic()
    env = {**os.environ, "TRACKAI_FAULTS_LONG": "1"}
    env.pop("DATABASE_URL", None)
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "faults"],
                         env=env, capture_output=True, text=True)
    print(res.stdout[-3000:], flush=True)
    counts = ", ".join(re.findall(r"\d+ (?:passed|failed|errors?)", res.stdout.strip().splitlines()[-1]
                                  if res.stdout.strip() else "")) or "no result"
    (RESULTS / "faults.json").write_text(json.dumps(
        {"outcome": f"{counts} in {time.monotonic() - started:.0f} s", "passed": res.returncode == 0}))
    return res.returncode == 0


def main() -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.run_all", description=__doc__.splitlines()[0])
    ap.add_argument("--short", action="store_true", help="brief runs, a 30 s soak, no fault suite")
    args = ap.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    for name in ("ingest", "processing", "dispatch", "latency", "soak", "faults"):  # no stale figure in the table
        (RESULTS / f"{name}.json").unlink(missing_ok=True)
    failed = []
    for name, cmd, short in BENCHES:
        print(f"== {name}", flush=True)
        if subprocess.run([sys.executable, *cmd, *(short if args.short else [])]).returncode != 0:
            failed.append(name)
    if not args.short:
        print("== fault suite (long form)", flush=True)
        if not fault_suite():
            failed.append("faults")
    parts = [f"# Benchmarks ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, this machine)\n"]
    for name, _, _ in BENCHES:
        path = RESULTS / f"{name}.md"
        parts.append(path.read_text() if path.exists() else f"## {name}\n\n(no result)\n")
    (RESULTS / "ALL.md").write_text("\n".join(parts))
    print(f"combined: {RESULTS / 'ALL.md'}")
    if report.main() != 0:
        failed.append("report")
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
