"""Plumbing of the fault suite (tests/test_faults_*.py, `pytest -m faults`): clients that retry what
was not acknowledged, the API as a process to kill, a throwaway Postgres cluster to restart, and the
exactly-once check at the Meta fake.

Short form in `make test`; `make bench` sets TRACKAI_FAULTS_LONG=1 for the long form (more events,
more kills): `size(short, long)` picks.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg

from bench.common import start_api
from core import migrate
from fakes.meta_graph import MetaFake
from fakes.perfectpay import approved_now
from tests.apiutil import postback
from trackai import db as dbops
from trackai import localdb

LONG = os.environ.get("TRACKAI_FAULTS_LONG") == "1"


def size(short: int, long: int) -> int:
    return long if LONG else short


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_api(dsn: str, port: int, env: dict | None = None) -> subprocess.Popen:
    """The API as its own process (one uvicorn process, so kill -9 takes it whole)."""
    return start_api(dsn, port, 1, env)


def kill_9(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


class Clients:
    """`threads` clients, each posting `per_thread` new Perfect Pay postbacks one after another to
    `url`, retrying the same body (after a short pause) until it is acknowledged with a 2xx - as
    Perfect Pay retries a postback that was not answered. `.acked` maps sale code -> event_id;
    `.statuses` counts every answer (and "no answer" for connection errors and timeouts)."""

    def __init__(self, url: str, threads: int, per_thread: int, prefix: str, timeout_s: float = 10.0):
        self.url, self.threads, self.per_thread, self.prefix = url, threads, per_thread, prefix
        self.timeout_s = timeout_s
        self.acked: dict[str, str] = {}
        self.statuses: Counter = Counter()
        self.gave_up = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(t,), daemon=True) for t in range(threads)]
        self.approved = approved_now()

    def start(self) -> Clients:
        for t in self._threads:
            t.start()
        return self

    def join(self, timeout_s: float = 120) -> None:
        deadline = time.monotonic() + timeout_s
        for t in self._threads:
            t.join(max(0.0, deadline - time.monotonic()))
        assert not any(t.is_alive() for t in self._threads), "clients did not finish in time"
        assert not self.gave_up.is_set(), "a client gave up retrying"

    def count(self) -> int:
        with self._lock:
            return len(self.acked)

    def _run(self, t: int) -> None:
        with httpx.Client(timeout=self.timeout_s) as http:
            for j in range(self.per_thread):
                code = f"{self.prefix}-{t}-{j}"
                body = postback(code=code, date_approved=self.approved, date_created=self.approved)
                deadline = time.monotonic() + 90
                while True:
                    try:
                        r = http.post(self.url, json=body)
                        status = r.status_code
                    except httpx.TransportError:
                        status = "no answer"
                    with self._lock:
                        self.statuses[status] += 1
                        if isinstance(status, int) and 200 <= status < 300:
                            self.acked[code] = r.json()["event_id"]
                    if isinstance(status, int) and status < 500:
                        break
                    if time.monotonic() > deadline:
                        self.gave_up.set()
                        return
                    time.sleep(0.1)


def assert_each_delivered_once(fake: MetaFake, conn: psycopg.Connection, company_id: str,
                               event_ids: list[str]) -> int:
    """Every event of the company reached Meta; an event went more than once only where Meta had
    accepted a copy we never recorded (the crash or timeout fell between Meta's answer and our commit),
    and always with the same event_id. Returns how many events were re-sent. (Each fake draws the same
    fbtrace_ids from its seed: only this company's attempts are compared.)"""
    committed = {r[0] for r in conn.execute(
        "select fbtrace_id from delivery.attempts where company_id = %s and outcome = 'sent'", (company_id,))}
    resent = 0
    for event_id in event_ids:
        copies = fake.deliveries(event_id)
        assert copies, f"event {event_id} never reached Meta"
        assert all(c.event_id == event_id for c in copies)
        # one copy is the delivery we recorded; any other is one whose answer we never got (it may land
        # at Meta after our retry did, when Meta was slow to answer a request we had given up on)
        recorded = [c for c in copies if c.fbtrace_id in committed]
        assert len(recorded) == 1, f"event {event_id}: {len(recorded)} recorded deliveries of {len(copies)} copies"
        resent += len(copies) > 1
    return resent


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[tuple[str, str]]:
    """A Postgres cluster of its own (initdb into a temp dir, another port, the local cluster's settings
    and extensions, every migration applied) for faults that take the server down: (dsn, pgdata).
    Never the shared cluster on 54322."""
    port = free_port()
    root = tempfile.mkdtemp(prefix="trackai-faults-pg-")
    pgdata = os.path.join(root, "pg")
    localdb._init_cluster(Path(pgdata))
    localdb._write_settings(Path(pgdata))
    # later lines of the included file win: this cluster's own port
    with open(os.path.join(pgdata, "trackai.conf"), "a") as conf:
        conf.write(f"port = {port}\n")
    pg_ctl(pgdata, "start")
    dsn = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    try:
        localdb.ensure_roles(dbops.as_admin(dsn))
        dbops.prepare_local_database(dsn)
        migrate.migrate(dsn)
        yield dsn, pgdata
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            pg_ctl(pgdata, "stop", "-m", "immediate")
        shutil.rmtree(root, ignore_errors=True)


def pg_ctl(pgdata: str, action: str, *args: str) -> None:
    """pg_ctl on a throwaway cluster (e.g. `pg_ctl(pgdata, "restart", "-m", "immediate")`); a start or
    restart returns once the server answers."""
    res = localdb.pg_ctl(Path(pgdata), action, *args)
    if res.returncode != 0:
        raise subprocess.CalledProcessError(res.returncode, res.args, res.stdout, res.stderr)
    if action in ("start", "restart"):
        conf = Path(pgdata, "trackai.conf").read_text().splitlines()
        port = [line.split("=")[1].strip() for line in conf if line.startswith("port")][-1]  # the last one wins
        localdb.wait_ready(dbops.as_admin(f"postgresql://127.0.0.1:{port}/postgres"), timeout_s=60)
