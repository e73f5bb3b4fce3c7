"""Each default alert rule fires on inserted data under a frozen clock, opens ONE alert that is updated
while the condition holds, and resolves only after two clear evaluations in a row (and, for threshold
rules, only once the value is past the clear threshold: the hysteresis band keeps it open)."""

from __future__ import annotations

from tests.monitoringutil import (
    add_attempts,
    add_sales,
    alerts,
    at,
    base_time,
    evaluate,
    freeze,
    new_ref,
    record_events,
    send_events,
    tenant,
)


def open_then_resolve(conn, code, company, t_clear, *, clear_evals=2):
    """After the condition cleared at t_clear: still open after one evaluation, resolved after two."""
    freeze(conn, t_clear)
    evaluate(conn)
    rows = alerts(conn, code, company)
    assert rows[-1]["status"] == "firing" and rows[-1]["clear_streak"] == 1, rows
    freeze(conn, at(t_clear, 1))
    evaluate(conn)
    rows = alerts(conn, code, company)
    assert [r["status"] for r in rows] == ["resolved"], rows


def test_error_rate_fires_above_5_percent_holds_in_the_band_and_resolves_below_4(conn):
    company, dest = tenant(conn)
    t0 = base_time(conn, 100)
    freeze(conn, t0)
    add_attempts(conn, company, dest, 10, "sent")
    add_attempts(conn, company, dest, 10, "retry", error_code=2)
    evaluate(conn)
    freeze(conn, at(t0, 1))
    evaluate(conn)  # still firing: the same alert is updated, not a second one
    rows = alerts(conn, "error_rate", company)
    assert len(rows) == 1 and rows[0]["status"] == "firing" and float(rows[0]["last_value"]) == 50.0

    # 4.5 %: under the 5 % threshold but over the 4 % clear threshold -> stays open
    t1 = at(t0, 10)
    freeze(conn, t1)
    add_attempts(conn, company, dest, 191, "sent")
    add_attempts(conn, company, dest, 9, "retry")
    for i in range(3):
        freeze(conn, at(t1, i * 0.5))
        evaluate(conn)
    rows = alerts(conn, "error_rate", company)
    assert len(rows) == 1 and rows[0]["status"] == "firing" and rows[0]["clear_streak"] == 0
    assert float(rows[0]["last_value"]) == 4.5

    t2 = at(t1, 10)
    freeze(conn, t2)
    add_attempts(conn, company, dest, 50, "sent")
    open_then_resolve(conn, "error_rate", company, t2)


def test_a_company_override_raises_the_threshold_for_that_company_only(conn):
    company, dest = tenant(conn)
    conn.execute("""insert into monitoring.alert_rules (code, company_id, comparator, threshold, clear_threshold,
                    time_window, min_samples, severity, title)
                    values ('error_rate', %s, '>', 60, 50, '5 minutes', 5, 'warning', 'Error rate above 60%%')""",
                 (company,))
    t0 = base_time(conn, 200)
    freeze(conn, t0)
    add_attempts(conn, company, dest, 10, "sent")
    add_attempts(conn, company, dest, 10, "retry")
    evaluate(conn)
    assert alerts(conn, "error_rate", company) == []


def test_meta_latency_fires_above_2000_ms_p95_and_resolves(conn):
    company, dest = tenant(conn)
    t0 = base_time(conn, 300)
    freeze(conn, t0)
    add_attempts(conn, company, dest, 10, "sent", latency_ms=2600)
    evaluate(conn)
    rows = alerts(conn, "meta_latency", None)
    assert len(rows) == 1 and rows[0]["status"] == "firing" and rows[0]["subject"] == "meta"
    assert float(rows[0]["last_value"]) == 2600

    t1 = at(t0, 10)
    freeze(conn, t1)
    add_attempts(conn, company, dest, 10, "sent", latency_ms=300)
    open_then_resolve(conn, "meta_latency", None, t1)


def test_duplicate_rate_fires_above_10_percent_and_resolves(conn):
    company, _ = tenant(conn)
    t0 = base_time(conn, 400)
    freeze(conn, t0)
    ref = new_ref()
    record_events(conn, company, 30, prefix=ref)
    record_events(conn, company, 10, prefix=ref)  # the same 10 facts again: duplicates
    assert conn.execute("select count(*) from monitoring.duplicates where company_id = %s",
                        (company,)).fetchone()[0] == 10
    evaluate(conn)
    rows = alerts(conn, "duplicate_rate", company)
    assert len(rows) == 1 and float(rows[0]["last_value"]) == 25.0

    t1 = at(t0, 120)
    freeze(conn, t1)
    record_events(conn, company, 30)
    open_then_resolve(conn, "duplicate_rate", company, t1)


def test_dead_letters_fire_while_any_is_open_and_resolve_once_replayed(conn):
    company, _ = tenant(conn)
    t0 = base_time(conn, 500)
    freeze(conn, t0)
    pks = record_events(conn, company, 2)
    conn.execute("select delivery.bury(%s, '{}', 'invalid_parameter: Meta error 100 - bad value')", ([pks[0]],))
    evaluate(conn)
    rows = alerts(conn, "dead_letters", company)
    assert len(rows) == 1 and float(rows[0]["last_value"]) == 1
    assert rows[0]["details"]["top_reason"] == "invalid_parameter"

    t1 = at(t0, 5)
    freeze(conn, t1)
    conn.execute("select * from delivery.replay_dead(%s)", (company,))
    open_then_resolve(conn, "dead_letters", company, t1)


def test_breaker_open_follows_the_dispatch_alert_and_resolves_when_it_closes(conn):
    company, dest = tenant(conn)
    t0 = base_time(conn, 600)
    freeze(conn, t0)
    conn.execute("select delivery.set_breaker(delivery.destination_breaker(%s), 'open', "
                 "'12 of the last 15 requests to this pixel failed', 0.8, 15)", (dest,))
    delivery_alert = conn.execute("select id from delivery.alerts where destination_id = %s"
                                  " and kind = 'breaker_opened'", (dest,)).fetchone()[0]
    evaluate(conn)
    rows = alerts(conn, "breaker_open", company)
    assert len(rows) == 1 and rows[0]["subject"] == f"breaker:{dest}"
    assert rows[0]["delivery_alert_id"] == delivery_alert  # one source: the dispatch path's alert
    assert "12 of the last 15" in rows[0]["details"]["diagnosis"]

    t1 = at(t0, 3)
    freeze(conn, t1)
    conn.execute("select delivery.set_breaker(delivery.destination_breaker(%s), 'closed', 'probe ok')", (dest,))
    open_then_resolve(conn, "breaker_open", company, t1)


def test_token_invalid_fires_while_the_destination_is_paused_for_190(conn):
    company, dest = tenant(conn)
    t0 = base_time(conn, 700)
    freeze(conn, t0)
    conn.execute("select delivery.pause_destination(%s, 'token_invalid', 'Meta refused the access token (190).')",
                 (dest,))
    evaluate(conn)
    rows = alerts(conn, "token_invalid", company)
    assert len(rows) == 1 and rows[0]["subject"] == f"destination:{dest}"
    assert rows[0]["details"]["paused_reason"] == "token_invalid"
    assert alerts(conn, "destination_paused", company) == []

    t1 = at(t0, 3)
    freeze(conn, t1)
    conn.execute("select delivery.resume_destination(%s)", (dest,))
    open_then_resolve(conn, "token_invalid", company, t1)


def test_other_pauses_fire_destination_paused(conn):
    company, dest = tenant(conn)
    t0 = base_time(conn, 750)
    freeze(conn, t0)
    conn.execute("select delivery.pause_destination(%s, 'pixel_not_accessible', 'Check the pixel id.')", (dest,))
    evaluate(conn)
    assert [r["status"] for r in alerts(conn, "destination_paused", company)] == ["firing"]
    t1 = at(t0, 3)
    freeze(conn, t1)
    conn.execute("select delivery.resume_destination(%s)", (dest,))
    open_then_resolve(conn, "destination_paused", company, t1)


def test_setup_stuck_fires_30_minutes_after_configuration_without_a_sent_event(conn):
    company, dest = tenant(conn)
    t0 = base_time(conn, 800)
    conn.execute("update delivery.destinations set created_at = %s where id = %s", (at(t0, -10), dest))
    freeze(conn, t0)
    evaluate(conn)
    assert alerts(conn, "setup_stuck", company) == []  # 10 minutes: not stuck yet

    freeze(conn, at(t0, 25))
    evaluate(conn)
    rows = alerts(conn, "setup_stuck", company)
    assert len(rows) == 1 and float(rows[0]["last_value"]) == 35.0

    t1 = at(t0, 30)
    freeze(conn, t1)
    add_attempts(conn, company, dest, 1, "sent")
    open_then_resolve(conn, "setup_stuck", company, t1)


def test_accuracy_fires_below_95_percent_and_resolves_above_97(conn):
    company, _ = tenant(conn)
    t0 = base_time(conn, 900)
    freeze(conn, t0)
    pks = record_events(conn, company, 20)
    send_events(conn, pks[:18])
    add_sales(conn, company, pks, at(t0, -60))
    evaluate(conn)
    rows = alerts(conn, "accuracy", company)
    assert len(rows) == 1 and float(rows[0]["last_value"]) == 90.0

    # 19 of 20 = 95 %: no longer below the threshold, not yet at the 97 % clear threshold: stays open
    t1 = at(t0, 5)
    freeze(conn, t1)
    send_events(conn, pks[18:19])
    evaluate(conn)
    evaluate(conn)
    rows = alerts(conn, "accuracy", company)
    assert rows[0]["status"] == "firing" and float(rows[0]["last_value"]) == 95.0

    t2 = at(t0, 10)
    freeze(conn, t2)
    send_events(conn, pks[19:])
    open_then_resolve(conn, "accuracy", company, t2)


def test_a_rule_that_fires_again_opens_a_new_alert_and_each_gets_its_notifications(conn):
    company, _ = tenant(conn)
    t0 = base_time(conn, 1000)
    freeze(conn, t0)
    pks = record_events(conn, company, 2)
    conn.execute("select delivery.bury(%s, '{}', 'invalid_parameter: x')", ([pks[0]],))
    evaluate(conn)
    conn.execute("select * from delivery.replay_dead(%s)", (company,))
    evaluate(conn)
    evaluate(conn)
    conn.execute("select delivery.bury(%s, '{}', 'invalid_parameter: y')", ([pks[1]],))
    evaluate(conn)
    rows = alerts(conn, "dead_letters", company)
    assert [r["status"] for r in rows] == ["resolved", "firing"]
    kinds = conn.execute("""select a.id, n.kind, n.channel from monitoring.notifications n
                            join monitoring.alerts a on a.id = n.alert_id
                            where a.code = 'dead_letters' and a.company_id = %s order by 1, 2, 3""",
                         (company,)).fetchall()
    first, second = rows[0]["id"], rows[1]["id"]
    assert kinds == [(first, "opened", "email"), (first, "opened", "slack"), (first, "resolved", "email"),
                     (first, "resolved", "slack"), (second, "opened", "email"), (second, "opened", "slack")]
