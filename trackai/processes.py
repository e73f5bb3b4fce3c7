"""Background processes of the local stack (API, workers, fakes): pid files under .local/procs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from core.settings import Settings


def _paths(settings: Settings, name: str) -> tuple[Path, Path]:
    procs = settings.local_dir / "procs"
    logs = settings.local_dir / "logs"
    procs.mkdir(parents=True, exist_ok=True)
    logs.mkdir(parents=True, exist_ok=True)
    return procs / f"{name}.pid", logs / f"{name}.log"


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def stop(settings: Settings, name: str, timeout_s: float = 10) -> None:
    pidfile, _ = _paths(settings, name)
    if not pidfile.exists():
        return
    pid = int(pidfile.read_text().strip() or 0)
    if pid and alive(pid):
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if alive(pid):
            os.killpg(pid, signal.SIGKILL)
    pidfile.unlink(missing_ok=True)


def start(settings: Settings, name: str, args: list[str], env: dict | None = None) -> int:
    """(Re)start `python -m <args>` detached, logging to .local/logs/<name>.log."""
    stop(settings, name)
    pidfile, logfile = _paths(settings, name)
    with logfile.open("ab") as log:
        proc = subprocess.Popen(
            [sys.executable, *args], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, env={**os.environ, **(env or {})},
        )
    pidfile.write_text(str(proc.pid))
    return proc.pid


def stop_all(settings: Settings) -> None:
    procs = settings.local_dir / "procs"
    if procs.exists():
        for pidfile in procs.glob("*.pid"):
            stop(settings, pidfile.stem)
