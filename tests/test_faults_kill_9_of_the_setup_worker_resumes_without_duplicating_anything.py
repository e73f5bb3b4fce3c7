"""kill -9 of the setup worker at random points: a new worker takes the steps again once their
messages come back (SETUP_VT_S), and the session still ends with one server and one web container,
one Stape container and domain, one DNS record, and one test event at Meta."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from tests import setuputil

pytestmark = pytest.mark.faults
KILLS = int(os.environ.get("FAULT_SETUP_KILLS", "4"))


def start_worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "trackai.cli", "work", "setup"], env={**os.environ, **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def test_killed_setup_workers_leave_one_of_everything(dsn):
    rng = random.Random(int(os.environ.get("FAULT_SEED", "9")))
    with setuputil.world(dsn, setup_worker=False, setup_vt_s=2) as w:
        w.stape.deploy_delay_s = 1.0
        env = setuputil.worker_env(w)
        token = w.user_token()
        sid = w.call("POST", "/sessions", token, json=w.fields()).json()["session_id"]
        for _ in range(KILLS):
            proc = start_worker(env)
            time.sleep(rng.uniform(0.8, 2.5))  # past the interpreter's start, into the steps
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        proc = start_worker(env)
        try:
            w.wait(sid, token, lambda s: setuputil.step(s, "render_snippet")["status"] == "succeeded"
                   and setuputil.step(s, "provision_dns")["status"] == "succeeded", timeout_s=90)
            w.install_snippet(sid, token)
            w.call("POST", f"/sessions/{sid}/validate", token)
            report = w.wait(sid, token, lambda s: s["status"] == "event_received", timeout_s=90)
        finally:
            proc.terminate()
            proc.wait(10)
        assert len(w.gtm.containers(setuputil.GTM_ACCOUNT)) == 2
        assert w.gtm.created["container"] == 2
        assert w.stape.created["container"] == 1 and w.stape.created["domain"] == 1
        assert w.cf.created["dns_record"] == 1
        event_id = setuputil.step(report, "test_event")["result"]["event_id"]
        assert [e.event_id for e in w.meta.accepted_events()] == [event_id]
        # a kill fell inside a step: it was taken again by a later worker
        assert max(s["attempts"] for s in report["steps"]) >= 2, [(s["name"], s["attempts"]) for s in report["steps"]]
