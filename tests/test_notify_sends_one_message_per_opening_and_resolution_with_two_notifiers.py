"""Two notifiers running at once, each notification's queue message delivered three times over: Slack
gets exactly one message when an alert opens and one when it resolves, and the mailbox one e-mail
each; every outbox row ends 'sent' after one attempt."""

from __future__ import annotations

import re

from tests.monitoringutil import at, base_time, evaluate, freeze, record_events, tenant
from tests.notifyutil import channels, notifiers, wait_for


def pending(conn) -> int:
    return conn.execute("select count(*) from monitoring.notifications where status = 'pending'").fetchone()[0]


def resend_every_message(conn) -> None:
    """Duplicate every pending notification on the queue twice more, so the notifiers race for rows."""
    conn.execute("""select pgmq.send_batch('notify', array(
                      select jsonb_build_object('notification', n.id)
                      from monitoring.notifications n, generate_series(1, 2)
                      where n.status = 'pending'))""")


def test_two_notifiers_send_one_slack_message_and_one_email_per_opening_and_resolution(conn, dsn):
    conn.execute("update monitoring.alert_rules set enabled = false where code = 'setup_stuck'")
    company, _ = tenant(conn)
    t0 = base_time(conn, 100)
    freeze(conn, t0)
    pks = record_events(conn, company, 1)
    conn.execute("select delivery.bury(%s, '{}', 'invalid_parameter: Meta error 100 - bad fbc')", (pks,))
    evaluate(conn)
    alert_id = conn.execute("select id from monitoring.alerts where code = 'dead_letters' and company_id = %s",
                            (company,)).fetchone()[0]
    resend_every_message(conn)

    with channels(dsn) as (slack, mailbox, settings), notifiers(settings, 2):
        wait_for(lambda: pending(conn) == 0, what="the opening notifications")
        conn.execute("select * from delivery.replay_dead(%s)", (company,))
        freeze(conn, at(t0, 1))
        evaluate(conn)
        freeze(conn, at(t0, 2))
        evaluate(conn)
        assert conn.execute("select status from monitoring.alerts where id = %s", (alert_id,)).fetchone()[0] \
            == "resolved"
        resend_every_message(conn)
        wait_for(lambda: pending(conn) == 0, what="the resolution notifications")
        texts = slack.texts()
        subjects = mailbox.subjects()

    mine = [t for t in texts if f"alert #{alert_id} " in t]
    assert len(mine) == 2, texts
    assert "[WARNING] Dead letters waiting for a human" in mine[0] and "Resolved:" in mine[1]
    assert "value 1 letters" in mine[0] and "docs/runbook.md#dead-letters" in mine[0]
    assert len(texts) == len(set(texts)), "a Slack message was sent twice"
    assert len([s for s in subjects if "Dead letters" in s]) == 2, subjects
    assert re.search(r"\[Track AI\] \[WARNING\] Dead letters", subjects[0])
    rows = conn.execute("select kind, channel, status, attempts from monitoring.notifications"
                        " where alert_id = %s order by kind, channel", (alert_id,)).fetchall()
    assert rows == [("opened", "email", "sent", 1), ("opened", "slack", "sent", 1),
                    ("resolved", "email", "sent", 1), ("resolved", "slack", "sent", 1)]
