"""Every worker `trackai work` knows runs on the one loop of jobs/base.py: built from its spec, it is that
loop's sync or asyncio form with the spec's queue, batch and visibility timeout; started, it LISTENs for its
queue's insert NOTIFY under its name; stopped, it ends. No other module reads a queue or listens."""

from __future__ import annotations

import asyncio
import re
import threading
import time

import pytest

from core.settings import REPO_ROOT
from jobs.base import AsyncQueueWorker, QueueLoop, QueueWorker
from jobs.registry import WORKERS
from tests.apiutil import settings_for

OVERRIDDEN = {"dispatch": (1000, 31), "ingest": (200, 11), "setup": (3, 29)}  # (batch, visibility timeout)


@pytest.mark.parametrize("name", sorted(WORKERS))
def test_the_spec_builds_the_shared_loop_with_its_numbers(dsn, name):
    spec = WORKERS[name]
    settings = settings_for(dsn, dispatch_vt_s=31, ingest_vt_s=11, setup_vt_s=29, setup_concurrency=3)
    worker = spec.worker(settings)
    assert type(worker) is (AsyncQueueWorker if spec.concurrent else QueueWorker)
    assert isinstance(worker, QueueLoop)
    assert (worker.queue, worker.batch, worker.vt_s) == (spec.queue, spec.batch_for(settings), spec.vt_s_for(settings))
    assert worker.name == (spec.application_name or spec.name)
    if name in OVERRIDDEN:  # the settings override what the spec says they do
        assert (worker.batch, worker.vt_s) == OVERRIDDEN[name]


@pytest.mark.parametrize("name", sorted(WORKERS))
def test_the_worker_listens_under_its_name_and_stops_when_asked(dsn, conn, name):
    spec = WORKERS[name]
    worker = spec.worker(settings_for(dsn))
    if isinstance(worker, AsyncQueueWorker):
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_until_complete, args=(worker.run(),), daemon=True)

        def stop() -> None:
            loop.call_soon_threadsafe(worker.stop.set)
    else:
        thread = threading.Thread(target=worker.run, daemon=True)
        stop = worker.stop.set
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not (listening := conn.execute(
                "select application_name from pg_stat_activity where datname = current_database() and query = %s",
                (f'listen "pgmq.q_{spec.queue}.INSERT"',)).fetchall()):
            assert time.monotonic() < deadline, f"{name} never listened for its queue"
            time.sleep(0.05)
        assert listening == [(spec.application_name or spec.name,)]
    finally:
        stop()
        thread.join(10)
    assert not thread.is_alive(), f"{name} did not stop"


def test_only_the_shared_loop_reads_a_queue_or_listens():
    others = [path for path in sorted((REPO_ROOT / "jobs").rglob("*.py")) if path.name != "base.py"]
    assert len(others) > 10
    for path in others:
        assert not re.search(r"pgmq\.read\b|\blisten\b|\.notifies\b", path.read_text(), re.IGNORECASE), path
