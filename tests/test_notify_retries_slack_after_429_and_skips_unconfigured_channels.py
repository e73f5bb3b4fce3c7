"""Slack rate limiting (429 + Retry-After) and a 500 are retried with the delay Slack asks for; a
revoked webhook (404 no_service) fails for good without retrying; a channel that is not configured is
marked skipped, never retried."""

from __future__ import annotations

import dataclasses

import psycopg

from jobs.notify import Notifier
from tests.monitoringutil import base_time, evaluate, freeze, record_events, tenant
from tests.notifyutil import channels, notifiers, wait_for


def open_alert(conn) -> int:
    company, _ = tenant(conn)
    freeze(conn, base_time(conn, 50))
    pks = record_events(conn, company, 1)
    conn.execute("select delivery.bury(%s, '{}', 'invalid_parameter: x')", (pks,))
    evaluate(conn)
    return conn.execute("select id from monitoring.alerts where code = 'dead_letters' and company_id = %s",
                        (company,)).fetchone()[0]


def row(conn, alert_id, channel):
    return conn.execute("select status, attempts, last_error from monitoring.notifications"
                        " where alert_id = %s and channel = %s and kind = 'opened'", (alert_id, channel)).fetchone()


def test_throttled_and_failing_slack_is_retried_until_it_takes_the_message(conn, dsn):
    conn.execute("update monitoring.alert_rules set enabled = false where code = 'setup_stuck'")
    alert_id = open_alert(conn)
    with channels(dsn) as (slack, _, settings):
        slack.throttle(1, retry_after=1)
        slack.fail(1, status=500)
        with notifiers(settings, 1):
            wait_for(lambda: row(conn, alert_id, "slack")[0] == "sent", timeout_s=30, what="the retried message")
        assert len([t for t in slack.texts() if f"alert #{alert_id} " in t]) == 1
        assert slack.requests == 3
    status, attempts, last_error = row(conn, alert_id, "slack")
    assert (status, attempts) == ("sent", 3) and last_error is None


def test_a_revoked_webhook_fails_for_good_and_unconfigured_email_is_skipped(conn, dsn):
    alert_id = open_alert(conn)
    with channels(dsn) as (slack, _, settings):
        for path in list(slack.webhooks):
            slack.revoke(path)
        no_mail = dataclasses.replace(settings, smtp_host=None)
        notifier = Notifier(no_mail)
        with psycopg.connect(dsn, autocommit=True) as c:
            for channel in ("slack", "email"):
                nid = c.execute("select id from monitoring.notifications where alert_id = %s and channel = %s"
                                " and kind = 'opened'", (alert_id, channel)).fetchone()[0]
                assert notifier.deliver(c, nid) is None
    assert row(conn, alert_id, "slack")[:2] == ("failed", 1)
    assert "404 no_service" in row(conn, alert_id, "slack")[2]
    assert row(conn, alert_id, "email")[:2] == ("skipped", 0)
