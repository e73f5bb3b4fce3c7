"""Shared bench plumbing: a scratch database built from the migrations, a served API, figures."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests import dbutil
from trackai.settings import REPO_ROOT, local_dsn

RESULTS = REPO_ROOT / "bench" / "results"


def scratch_db(name: str) -> str:
    """A fresh database with every migration applied; returns its DSN."""
    dbutil.build_template()
    with dbutil.admin() as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
        conn.execute(f'create database "{name}" template "{dbutil.TEMPLATE}"')
    dbutil.drop_template()
    return local_dsn(name)


def start_api(dsn: str, port: int, workers: int = 1) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": dsn}
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


def ensure_tool(binary: str, package: str) -> str:
    path = shutil.which(binary)
    if path:
        return path
    subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    return shutil.which(binary)


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
