"""Two steps of one session reported in concurrent transactions: the step that depends on both is
queued exactly once (reports serialise on the session), never left pending, and no deadlock."""

from __future__ import annotations

import contextlib
import json
import threading

import psycopg


def test_concurrent_reports_queue_the_joining_step_once(dsn):
    with psycopg.connect(dsn, autocommit=True) as conn:
        uid = conn.execute("select tests.create_user('race')").fetchone()[0]
        sid = conn.execute("select id from setup.create_session(null, 'Race', %s, %s::jsonb, %s)", (
            uid, json.dumps({"pixel_id": "123456789012345", "gateway": "perfectpay",
                             "landing_url": "https://race.example.com/", "tracking_domain": "track.race.example.com"}),
            "a" * 64)).fetchone()[0]
        conn.execute("select setup.advance(%s)", (sid,))
        # everything test_event waits for has succeeded but two steps, which run now
        for name in ("validate_meta", "validate_landing", "validate_gtm_access", "validate_cloudflare",
                     "render_snippet", "provision_gtm_server", "provision_stape", "provision_dns"):
            conn.execute("update setup.steps set status = 'succeeded', finished_at = now()"
                         " where session_id = %s and name = %s", (sid, name))
        started = {name: conn.execute("select step_id, attempt from setup.start_step((select id from setup.steps"
                                      " where session_id = %s and name = %s))", (sid, name)).fetchone()
                   for name in ("validate_gateway", "provision_gtm_web")}
        if started["provision_gtm_web"] is None:  # not queued yet: queue and take it by hand
            conn.execute("update setup.steps set status = 'queued', queued_at = now()"
                         " where session_id = %s and name = 'provision_gtm_web'", (sid,))
            started["provision_gtm_web"] = conn.execute(
                "select step_id, attempt from setup.start_step((select id from setup.steps"
                " where session_id = %s and name = 'provision_gtm_web'))", (sid,)).fetchone()

    barrier = threading.Barrier(2, timeout=3)
    outcomes: list = []

    def report(step: int, attempt: int) -> None:
        try:
            with psycopg.connect(dsn) as c, c.transaction():
                outcomes.append(c.execute("select setup.report_step(%s, %s, '{}')", (step, attempt)).fetchone()[0])
                # hold the transaction open until the other has reported too (without the session lock
                # both reports happen before either commits); with it, the other waits inside its report
                # and this one commits when the barrier gives up
                with contextlib.suppress(threading.BrokenBarrierError):
                    barrier.wait()
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            outcomes.append(exc)

    threads = [threading.Thread(target=report, args=started[n]) for n in started]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert outcomes == ["succeeded", "succeeded"]
    with psycopg.connect(dsn) as conn:
        status = conn.execute("select status from setup.steps where session_id = %s and name = 'test_event'",
                              (sid,)).fetchone()[0]
        sent = conn.execute("select count(*) from pgmq.q_setup where message ->> 'step_id' = "
                            "(select id::text from setup.steps where session_id = %s and name = 'test_event')",
                            (sid,)).fetchone()[0]
    assert (status, sent) == ("queued", 1)
