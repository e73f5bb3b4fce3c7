"""The Looker Studio views report the pipeline's facts: events per day by status and source (equal to a
live count of tracking.events, before and after the rollup is folded), duplicates, errors by code,
latency percentiles, fbtrace_id -> events, match quality, queues, dead letters, breakers, the setup
funnel and the accuracy report."""

from __future__ import annotations

import pytest

from tests.monitoringutil import add_attempts, add_sales, base_time, freeze, new_ref, record_events, send_events, tenant

LIVE = """select monitoring.day_of(received_at), company_id, source, status, count(*)
          from tracking.events group by 1, 2, 3, 4"""
VIEW = "select day, company_id, source, status, events from monitoring.events_daily"


def as_set(rows):
    return {tuple(str(v) for v in r) for r in rows}


@pytest.fixture(scope="module")
def world(dsn):
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        a, dest_a = tenant(conn)
        b, dest_b = tenant(conn)
        t0 = base_time(conn, 24)
        freeze(conn, t0)
        ref = new_ref()
        pks = record_events(conn, a, 10, prefix=ref)
        record_events(conn, a, 2, prefix=ref)  # 2 duplicates
        send_events(conn, pks[:6])
        conn.execute("select delivery.bury(%s, '{}', 'invalid_parameter: Meta error 100 - bad value')", ([pks[6]],))
        add_sales(conn, a, pks[:8], t0)
        record_events(conn, b, 3)
        add_attempts(conn, a, dest_a, 8, "sent", latency_ms=100)
        add_attempts(conn, a, dest_a, 2, "retry", latency_ms=1900, error_code=2)
        add_attempts(conn, b, dest_b, 1, "sent", latency_ms=400)
        yield {"a": a, "b": b, "dest_a": dest_a, "dest_b": dest_b, "pks": pks, "t0": t0}


def test_events_daily_equals_a_live_count_before_and_after_folding(conn, world):
    assert as_set(conn.execute(VIEW).fetchall()) == as_set(conn.execute(LIVE).fetchall())
    assert conn.execute("select count(*) from monitoring.count_deltas").fetchone()[0] > 0
    conn.execute("select monitoring.fold_counts()")
    assert conn.execute("select count(*) from monitoring.count_deltas").fetchone()[0] == 0
    assert as_set(conn.execute(VIEW).fetchall()) == as_set(conn.execute(LIVE).fetchall())
    # and after more moves (queued -> retrying -> sent, dead -> queued) it still matches
    pks = world["pks"]
    conn.execute("update tracking.events set status = 'retrying', retrying_at = app.now(),"
                 " next_attempt_at = app.now() where id = any(%s)", (pks[7:9],))
    conn.execute("select * from delivery.replay_dead(%s)", (world["a"],))
    assert as_set(conn.execute(VIEW).fetchall()) == as_set(conn.execute(LIVE).fetchall())


def test_duplicate_rate(conn, world):
    row = conn.execute("select new_events, duplicates, duplicate_rate_pct from monitoring.duplicate_rate"
                       " where company_id = %s", (world["a"],)).fetchone()
    assert row[0] == 10 and row[1] == 2 and float(row[2]) == round(100 * 2 / 12, 2)


def test_error_rate_and_latency(conn, world):
    rows = conn.execute("select outcome, reason, error_code, attempts, share_pct from monitoring.error_rate"
                        " where company_id = %s order by outcome", (world["a"],)).fetchall()
    assert [(r[0], r[1], r[2], r[3], float(r[4])) for r in rows] == [
        ("retry", "meta_service_error", 2, 2, 20.0), ("sent", None, None, 8, 80.0)]
    lat = conn.execute("select attempts, p50_ms, p95_ms, p99_ms, max_ms from monitoring.meta_latency"
                       " where company_id = %s", (world["a"],)).fetchone()
    assert lat == (10, 100, 2000, 2000, 2000)  # bucket upper bounds


def test_fbtrace_id_maps_to_the_events_of_the_request(conn, world):
    pks = world["pks"][:3]
    conn.execute("""insert into delivery.attempts (company_id, destination_id, pixel_id, request_id, event_pks,
                    event_count, http_status, outcome, fbtrace_id, events_received, latency_ms)
                    values (%s, %s, '1', 'dispatch-req-1', %s, 3, 200, 'sent', 'AbCdEfTrace', 3, 90)""",
                 (world["a"], world["dest_a"], pks))
    rows = conn.execute("select event_pk, ingest_request_id, dispatch_request_id from monitoring.fbtrace_events"
                        " where fbtrace_id = 'AbCdEfTrace' order by event_pk").fetchall()
    assert [r[0] for r in rows] == pks and {r[2] for r in rows} == {"dispatch-req-1"}


def test_match_quality_distribution(conn, world):
    live = conn.execute("""select count(*), round(avg(match_quality), 2),
                                  round(100.0 * count(*) filter (where match_quality >= 4 and match_quality < 6)
                                        / count(*), 2)
                           from tracking.events where company_id = %s""", (world["a"],)).fetchone()
    view = conn.execute("""select events, avg_match_quality, from_4_to_6_pct,
                                  below_2_pct + from_2_to_4_pct + from_4_to_6_pct + from_6_to_8_pct + from_8_pct
                           from monitoring.match_quality where company_id = %s""", (world["a"],)).fetchone()
    assert view[:3] == live and float(view[3]) == 100.0


def test_queue_dead_letters_breakers_and_funnel(conn, world):
    queues = dict(conn.execute("select queue_name, queue_length from monitoring.queue_depth").fetchall())
    assert set(queues) >= {"dispatch", "notify"} and queues["dispatch"] > 0
    conn.execute("select delivery.set_breaker(delivery.destination_breaker(%s), 'open', 'test')", (world["dest_b"],))
    states = dict(conn.execute("select coalesce(destination_id, 0), state from monitoring.breaker_states").fetchall())
    assert states[0] == "closed" and states[world["dest_b"]] == "open"
    funnel = dict(conn.execute("select company_id::text, stage from monitoring.setup_funnel").fetchall())
    assert funnel[world["a"]] == "sending" and funnel[world["b"]] == "sending"
    c = conn.execute("select id from app.companies where id not in (%s, %s) limit 1",
                     (world["a"], world["b"])).fetchone()
    assert c is None  # only our two companies here


def test_accuracy_report(conn, world):
    row = conn.execute("""select sales, purchase_events, accepted, in_flight, dead, not_sent_reasons, accuracy_pct,
                          meta_events_received
                          from monitoring.accuracy where company_id = %s""", (world["a"],)).fetchone()
    sales, events, accepted, in_flight, dead, reasons, pct, received = row
    assert sales == 8 and events == 0  # record_events makes 'api' Purchases: not a gateway's
    conn.execute("update tracking.events set source = 'perfectpay' where company_id = %s", (world["a"],))
    row = conn.execute("""select sales, purchase_events, accepted, in_flight, dead, accuracy_pct
                          from monitoring.accuracy where company_id = %s""", (world["a"],)).fetchone()
    live = dict(conn.execute("select status, count(*) from tracking.events where company_id = %s group by 1",
                             (world["a"],)).fetchall())
    assert row[0] == 8 and row[1] == 10 and row[2] == live.get("sent", 0)
    assert float(row[5]) == round(100 * live.get("sent", 0) / 8, 2)
    assert received >= 8


def test_a_member_sees_only_their_company_in_every_view(conn, world):
    conn.execute("select tests.create_user('viewer-a')")
    conn.execute("select tests.add_member(%s, 'viewer-a', 'viewer')", (world["a"],))
    views = [r[0] for r in conn.execute("""select c.relname from pg_class c
                                           join pg_namespace n on n.oid = c.relnamespace
                                           where n.nspname = 'monitoring' and c.relkind = 'v'
                                             and has_table_privilege('authenticated', c.oid, 'select')""")]
    assert "events_daily" in views and "all_counts" in views and "queue_depth" not in views
    with conn.transaction():
        conn.execute("select tests.authenticate_as('viewer-a')")
        for view in views:
            cols = [r[0] for r in conn.execute("select column_name from information_schema.columns"
                                               " where table_schema = 'monitoring' and table_name = %s", (view,))]
            key = "company_id" if "company_id" in cols else None
            if key:
                seen = {str(r[0]) for r in conn.execute(
                    f"select distinct company_id from monitoring.{view} where company_id is not null")}  # noqa: S608
                assert seen <= {world["a"]}, view
        assert not conn.execute("select has_table_privilege('monitoring.queue_depth', 'select')").fetchone()[0]
        assert conn.execute("select count(*) from monitoring.events_daily").fetchone()[0] > 0
        conn.execute("select tests.clear_authentication()")
