"""The heartbeat job a migration schedules really runs under pg_cron (main database only)."""

from __future__ import annotations

import time

import psycopg

from core.settings import LOCAL_DB, local_dsn

WAIT_S = 75  # pg_cron 1.4 here: one-minute granularity


def test_the_heartbeat_job_runs_and_beats():
    with psycopg.connect(local_dsn(LOCAL_DB), autocommit=True) as conn:
        job = conn.execute(
            "select jobid, schedule, command, active from cron.job where jobname = 'trackai-heartbeat'"
        ).fetchone()
        assert job is not None, "migration 20261128000100_platform.sql should schedule trackai-heartbeat"
        jobid, schedule, command, active = job
        assert (schedule, command, active) == ("* * * * *", "select app.cron_beat()", True)

        last_run, started = conn.execute(
            "select coalesce(max(runid), 0), now() from cron.job_run_details where jobid = %s", (jobid,)
        ).fetchone()

        deadline = time.monotonic() + WAIT_S
        run = None
        while run is None and time.monotonic() < deadline:
            run = conn.execute(
                "select status, return_message from cron.job_run_details"
                " where jobid = %s and runid > %s and status in ('succeeded', 'failed')"
                " order by runid limit 1",
                (jobid, last_run),
            ).fetchone()
            if run is None:
                time.sleep(1)
        assert run is not None, f"no run of trackai-heartbeat within {WAIT_S}s"
        assert run[0] == "succeeded", run

        beat_at = conn.execute("select beat_at from app.cron_heartbeat").fetchone()[0]
        assert beat_at >= started
