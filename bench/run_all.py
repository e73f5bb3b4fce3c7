"""`make bench`: every issue's benchmark in one go, one after another (they share the 2 cores), then
one combined markdown file, bench/results/ALL.md, from the per-benchmark results they write."""

from __future__ import annotations

import subprocess
import sys
import time

from bench.common import RESULTS

BENCHES = [
    ("ingest", ["-m", "bench.ingest"]),
    ("dispatch", ["-m", "bench.dispatch"]),
    ("whatsapp", ["-m", "bench.whatsapp"]),
    ("monitoring_views", ["-m", "bench.monitoring_views"]),
]


def main() -> int:
    failed = []
    for name, args in BENCHES:
        print(f"== {name}", flush=True)
        if subprocess.run([sys.executable, *args]).returncode != 0:
            failed.append(name)
    parts = [f"# Benchmarks ({time.strftime('%Y-%m-%d %H:%M')}, this machine)\n"]
    for name, _ in BENCHES:
        path = RESULTS / f"{name}.md"
        parts.append(path.read_text() if path.exists() else f"## {name}\n\n(no result)\n")
    (RESULTS / "ALL.md").write_text("\n".join(parts))
    print(f"combined: {RESULTS / 'ALL.md'}")
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
