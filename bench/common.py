"""Shared bench plumbing: a scratch database built from the migrations, a served API, figures."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psutil
import psycopg

from core.settings import REPO_ROOT, local_dsn
from tests import dbutil

RESULTS = REPO_ROOT / "bench" / "results"


def scratch_db(name: str) -> str:
    """A fresh database with every migration applied; returns its DSN."""
    dbutil.build_template()
    with dbutil.admin() as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
        conn.execute(f'create database "{name}" template "{dbutil.TEMPLATE}"')
    dbutil.drop_template()
    return local_dsn(name)


def start_api(dsn: str, port: int, workers: int = 1, env: dict | None = None) -> subprocess.Popen:
    env = {**os.environ, **(env or {}), "DATABASE_URL": dsn}
    proc = subprocess.Popen([sys.executable, "-m", "trackai.cli", "serve", "--port", str(port),
                             "--workers", str(workers)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("API did not start")


def start_workers(queue: str, dsn: str, key: str, n: int, memory: RssSampler | None = None,
                  env: dict | None = None, label: str | None = None) -> list[subprocess.Popen]:
    """`n` processes of `trackai work <queue>`, returned once each listens for its queue's NOTIFY."""
    env = {**os.environ, "DATABASE_URL": dsn, "TRACKAI_SECRET_KEY": key, **(env or {})}
    cmd = [sys.executable, "-m", "trackai.cli", "work", queue]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    procs = [subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, **quiet) for _ in range(n)]
    for i, p in enumerate(procs):
        if memory:
            memory.watch(f"{label or queue}-{i + 1}", p.pid)
    with psycopg.connect(dsn, autocommit=True) as conn:
        deadline = time.monotonic() + 30
        while conn.execute("select count(*) from pg_stat_activity where datname = current_database()"
                           " and query = %s", (f'listen "pgmq.q_{queue}.INSERT"',)).fetchone()[0] < n:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{queue} workers did not start")
            time.sleep(0.05)
    return procs


def ensure_tool(binary: str, package: str) -> str:
    path = shutil.which(binary)
    if path:
        return path
    subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    return shutil.which(binary)


def postmaster_pid(dsn: str) -> int:
    """The local cluster's postmaster (the parent of every backend), to watch the database's CPU."""
    with psycopg.connect(dsn) as conn:
        return psutil.Process(conn.execute("select pg_backend_pid()").fetchone()[0]).ppid()


def postgres_cpu_by_role(dsn: str) -> dict[str, float]:
    """CPU seconds used so far by each kind of process of the local cluster: backends by their
    application_name (trackai-api, worker-ingest, dispatch...), the others by their title (walwriter,
    checkpointer, autovacuum worker...). A backend that has exited is not counted."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        names = dict(conn.execute("select pid, coalesce(nullif(application_name, ''), backend_type)"
                                  " from pg_stat_activity").fetchall())
    out: dict[str, float] = {}
    for p in psutil.Process(postmaster_pid(dsn)).children():
        try:
            title = " ".join(p.cmdline()).removeprefix("postgres: ").split(" ")[0]
            label = names.get(p.pid) or title
            out[label] = out.get(label, 0.0) + sum(p.cpu_times()[:2])
        except psutil.Error:
            continue
    return out


def statements_reset(admin_dsn: str) -> None:
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute("create extension if not exists pg_stat_statements with schema extensions")
        conn.execute("select extensions.pg_stat_statements_reset()")


def top_statements(admin_dsn: str, n: int) -> list[tuple[int, float, str]]:
    """(calls, total ms, statement) of this database's top statements by time since the reset."""
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        return conn.execute(
            "select calls, total_exec_time, left(regexp_replace(query, '\\s+', ' ', 'g'), 90)"
            " from extensions.pg_stat_statements where dbid = (select oid from pg_database"
            " where datname = current_database()) order by total_exec_time desc limit %s", (n,)).fetchall()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def median(values: list[float]) -> float:
    return statistics.median(values)


def write_result(name: str, text: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.md"
    path.write_text(text)
    return path


def write_figures(name: str, figures: dict) -> Path:
    """The figures bench/report.py puts in the one summary table (bench/results/<name>.json)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(figures, indent=2, sort_keys=True))
    return path


class RssSampler:
    """Samples the resident memory (RSS, MiB) of named processes - each with its children, so a
    uvicorn with several workers counts whole - every `every_s` seconds in a thread; `.peaks()` and the
    time series `.samples` ({name: [(t, MiB), ...]}); `.process_peaks` keeps each process's own peak (a
    uvicorn worker's, apart from its master). Dead processes are skipped."""

    def __init__(self, every_s: float = 1.0):
        self.every_s = every_s
        self.procs: dict[str, psutil.Process] = {}
        self.samples: dict[str, list[tuple[float, float]]] = {}
        self.process_peaks: dict[str, dict[int, float]] = {}  # name -> pid -> peak MiB (each process alone)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._t0 = time.monotonic()

    def watch(self, name: str, pid: int) -> None:
        self.procs[name] = psutil.Process(pid)
        self.samples.setdefault(name, [])

    def _rss(self, name: str, proc: psutil.Process) -> float | None:
        try:
            each = {p.pid: p.memory_info().rss / 2**20 for p in [proc, *proc.children(recursive=True)]}
        except psutil.Error:
            return None
        per = self.process_peaks.setdefault(name, {})
        for pid, mib in each.items():
            per[pid] = max(per.get(pid, 0.0), mib)
        return sum(each.values())

    def sample(self) -> None:
        t = time.monotonic() - self._t0
        for name, proc in list(self.procs.items()):
            rss = self._rss(name, proc)
            if rss is not None:
                self.samples[name].append((t, rss))

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            self.sample()

    def __enter__(self) -> RssSampler:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)

    def cpu(self) -> dict[str, float]:
        """CPU seconds (user + system) used so far by each watched process and its live children."""
        out = {}
        for name, proc in self.procs.items():
            try:
                out[name] = sum(sum(p.cpu_times()[:2]) for p in [proc, *proc.children(recursive=True)])
            except psutil.Error:
                continue
        return out

    def peaks(self) -> dict[str, float]:
        return {name: max(v for _, v in s) for name, s in self.samples.items() if s}
