"""The one summary table of `make bench`: bench/results/summary.md and summary.png, from the figures
each benchmark wrote (bench/results/<name>.json) in the same run.

    .venv/bin/python -m bench.report

Each figure sits beside its baseline measured in the same run (a bare INSERT of the same body, or the
naive one-call-per-event design of the original roadmap) as a ratio, plus the roadmap's own target
(1,000 leads per minute) with our margin over it, and the peak memory (RSS) of every process.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass

from bench.common import RESULTS

ROADMAP_TARGET_PER_S = 1000 / 60  # the original roadmap: 1,000 leads per minute


@dataclass(frozen=True)
class Row:
    figure: str
    ours: str
    baseline: str = ""
    ratio: str = ""
    # for the chart: ours and baseline as numbers of the same unit (None: not charted)
    chart: tuple[float, float] | None = None


def load_figures() -> dict[str, dict]:
    figures = {}
    for name in ("ingest", "processing", "dispatch", "whatsapp", "latency", "soak", "faults"):
        path = RESULTS / f"{name}.json"
        if path.exists():
            figures[name] = json.loads(path.read_text())
    return figures


def _p(d: dict, p: int) -> float:
    """Percentile p of a figure dict (keys are strings once read back from JSON)."""
    return d[str(p)] if str(p) in d else d[p]


def _ms(d: dict) -> str:
    return " / ".join(f"{_p(d, p):,.1f}" for p in (50, 95, 99)) + " ms"


def rows(f: dict[str, dict]) -> list[Row]:
    out: list[Row] = []
    if "ingest" in f:
        i = f["ingest"]
        out.append(Row(f"ingest: Perfect Pay postbacks over HTTP, sustained {i['ingest_seconds']} s",
                       f"{i['ingest_rps']:,.0f} /s", f"bare INSERT of the same body: {i['bare_insert_rows_s']:,.0f} /s",
                       f"{i['ingest_rps'] / i['bare_insert_rows_s']:.3f}x", (i["ingest_rps"], i["bare_insert_rows_s"])))
        out.append(Row(f"ack latency at {i['rate']:.0f}/s offered, p50 / p95 / p99", _ms(i["ack_ms"]),
                       f"bare INSERT, one row per statement at the same rate: {_ms(i['bare_insert_ms'])}",
                       f"p99 {_p(i['ack_ms'], 99) / _p(i['bare_insert_ms'], 99):,.1f}x"))
        if "end_to_end_rps" in i:
            out.append(Row("end to end: stored postbacks / (first request -> last event at the Meta fake)",
                           f"{i['end_to_end_rps']:,.0f} /s; backlog delivered {i['drain_s']:.1f} s after the load",
                           f"bare INSERT of the same body: {i['bare_insert_rows_s']:,.0f} /s",
                           f"{i['end_to_end_rps'] / i['bare_insert_rows_s']:.3f}x",
                           (i["end_to_end_rps"], i["bare_insert_rows_s"])))
        out.append(Row("original roadmap target: 1,000 leads per minute (16.7 /s)", f"{i['ingest_rps']:,.0f} /s",
                       "16.7 /s", f"margin {i['ingest_rps'] / ROADMAP_TARGET_PER_S:,.0f}x",
                       (i["ingest_rps"], ROADMAP_TARGET_PER_S)))
    if "processing" in f:
        p = f["processing"]
        out.append(Row(f"processing: a stored backlog of {p['postbacks']:,} postbacks, one ingest worker",
                       f"{p['processed_per_s']:,.0f} /s, {p['backend_cpu_ms_per_postback']:.3f} ms database CPU each",
                       f"bare INSERT of the same bodies, 200 per statement: {p['bare_insert_rows_s']:,.0f} /s",
                       f"{p['processed_per_s'] / p['bare_insert_rows_s']:.3f}x",
                       (p["processed_per_s"], p["bare_insert_rows_s"])))
    if "dispatch" in f:
        d = f["dispatch"]
        out.append(Row(f"dispatch to Meta (fake answering in {d['fake_latency_ms']:.0f} ms), "
                       f"{d['dispatchers']} dispatchers", f"{d['ours_events_s']:,.0f} events/s",
                       f"naive one call per event: {d['naive_events_s']:,.1f} events/s",
                       f"{d['ours_events_s'] / d['naive_events_s']:,.0f}x",
                       (d["ours_events_s"], d["naive_events_s"])))
        naive_ms = 1000 / d["naive_events_s"]
        out.append(Row(f"event accepted -> Meta 200 at {d['rate']:.0f} events/s, p50 / p95 / p99",
                       _ms(d["accepted_to_meta_ms"]),
                       f"naive: {naive_ms:,.0f} ms per event in series (it cannot keep {d['rate']:.0f}/s: "
                       f"capacity {d['naive_events_s']:,.1f}/s)",
                       f"p50 {_p(d['accepted_to_meta_ms'], 50) / naive_ms:.1f}x"))
    if "latency" in f:
        lat = f["latency"]
        target = f"target p95 ≤ {lat['p95_limit_ms']:,.0f} ms, max ≤ {lat['max_limit_ms']:,.0f} ms"
        for sc in lat["scenarios"]:
            d = sc["to_meta_ms"]
            out.append(Row(f"latency: postback -> Meta fake, {sc['name']} ({sc['what']}), p50 / p95 / max",
                           " / ".join(f"{d[p]:,.0f}" for p in ("p50", "p95", "max")) + " ms", target,
                           "PASS" if sc["passed"] else "FAIL"))
    if "soak" in f:
        s = f["soak"]
        out.append(Row(f"soak: postback -> Meta fake accepted, {s['rate']:.0f} req/s mixed for "
                       f"{s['duration_s'] / 60:.0f} min, p50 / p95 / p99", _ms(s["postback_to_meta_ms"])))
        out.append(Row("soak: acknowledged events missing / delivered twice; oldest queued message",
                       f"{s['missing']} / {s['twice']}; {s['max_queue_age_s']:.1f} s",
                       "0 / 0; 5 s", "PASS" if s["passed"] else "FAIL"))
    if "faults" in f:
        out.append(Row("fault suite, long form (pytest -m faults)", f["faults"]["outcome"]))
    peaks = peak_memory(f)
    if peaks:
        out.append(Row("peak memory (RSS, process with its children)",
                       ", ".join(f"{p} {v:,.0f} MiB" for p, v in sorted(peaks.items()))))
    return out


def peak_memory(f: dict[str, dict]) -> dict[str, float]:
    """Peak RSS (MiB) per process over every benchmark of the run."""
    peaks: dict[str, float] = {}
    for name in ("ingest", "dispatch", "latency", "soak"):
        for proc, mib in f.get(name, {}).get("peak_rss_mib", {}).items():
            peaks[proc] = max(peaks.get(proc, 0.0), mib)
    return peaks


def markdown(table: list[Row]) -> str:
    lines = [f"# Benchmarks ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, this machine: "
             f"{os.cpu_count()} cores)", "",
             "| figure | ours | baseline in the same run | ratio |", "|---|---|---|---|"]
    lines += [f"| {r.figure} | {r.ours} | {r.baseline} | {r.ratio} |" for r in table]
    return "\n".join(lines) + "\n"


def chart(table: list[Row], figures: dict[str, dict], path) -> None:
    """Three panels: rates beside their baselines, latency percentiles beside theirs, peak memory."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    charted = [r for r in table if r.chart]
    fig, (rates, lat, mem) = plt.subplots(3, 1, figsize=(10, 4 + 0.8 * len(charted) + 4))
    for k, r in enumerate(charted):
        ours, base = r.chart
        rates.barh(k + 0.2, ours, height=0.4, color="tab:blue", label="ours" if k == 0 else None)
        rates.barh(k - 0.2, base, height=0.4, color="tab:grey", label="baseline, same run" if k == 0 else None)
        rates.text(ours, k + 0.2, f" {ours:,.0f}", va="center", fontsize=8)
        rates.text(base, k - 0.2, f" {base:,.1f}", va="center", fontsize=8)
    rates.set_yticks(range(len(charted)), [f"{r.figure[:55]} ({r.ratio})" for r in charted], fontsize=8)
    rates.set_xscale("log")
    rates.set_xlim(right=max((max(r.chart) for r in charted), default=10) * 5)
    rates.set_xlabel("per second (log scale)")
    rates.set_title("Track AI benchmarks (bench/results/summary.md)")
    rates.legend(loc="upper right", fontsize=8)

    series = []
    if "ingest" in figures:
        series += [("ack (HTTP postback)", figures["ingest"]["ack_ms"], "tab:blue"),
                   ("bare INSERT", figures["ingest"]["bare_insert_ms"], "tab:grey")]
    if "dispatch" in figures:
        series.append(("accepted -> Meta 200", figures["dispatch"]["accepted_to_meta_ms"], "tab:green"))
    if "soak" in figures:
        series.append(("soak: postback -> Meta", figures["soak"]["postback_to_meta_ms"], "tab:orange"))
    for k, (name, d, color) in enumerate(series):
        lat.bar([x + k * 0.2 for x in range(3)], [_p(d, p) for p in (50, 95, 99)], width=0.2, color=color, label=name)
    lat.set_xticks([x + 0.1 * (len(series) - 1) for x in range(3)], ["p50", "p95", "p99"])
    lat.set_yscale("log")
    lat.set_ylabel("ms (log scale)")
    lat.legend(fontsize=8)

    peaks = peak_memory(figures)
    mem.barh(list(peaks), list(peaks.values()), color="tab:purple")
    mem.set_xlabel("peak RSS (MiB)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main() -> int:
    figures = load_figures()
    if not figures:
        print("no figures in bench/results/*.json: run the benchmarks first (make bench)")
        return 1
    table = rows(figures)
    text = markdown(table)
    (RESULTS / "summary.md").write_text(text)
    chart(table, figures, RESULTS / "summary.png")
    print(text)
    print(f"written to {RESULTS / 'summary.md'} and {RESULTS / 'summary.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
