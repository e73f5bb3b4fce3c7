"""Helpers of the monitoring tests: a frozen clock, rule evaluation, attempts and sales inserted directly."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import psycopg

from tests.dispatchutil import new_pixel, new_tenant, new_token, record_events


def freeze(conn: psycopg.Connection, at: datetime) -> None:
    """Freeze app.now() for this connection (session-wide)."""
    conn.execute("select set_config('trackai.now', %s, false)", (at.isoformat(),))


def base_time(conn: psycopg.Connection, hours_ahead: int) -> datetime:
    """A whole minute `hours_ahead` hours from the database's real clock: tests far apart in time do not
    see each other's facts through the rules' windows."""
    return conn.execute("select date_trunc('minute', now()) + make_interval(hours => %s)",
                        (hours_ahead,)).fetchone()[0]


def evaluate(conn: psycopg.Connection) -> dict:
    return conn.execute("select monitoring.evaluate_alerts()").fetchone()[0]


def tenant(conn: psycopg.Connection) -> tuple[str, int]:
    """A company with a destination and a token: (company_id, destination_id)."""
    return new_tenant(conn, new_pixel(), new_token())


def alerts(conn: psycopg.Connection, code: str, company: str | None) -> list[dict]:
    cur = conn.execute(
        "select id, status, last_value, peak_value, clear_streak, subject, title, details, delivery_alert_id,"
        " opened_at, resolved_at from monitoring.alerts where code = %s and company_id is not distinct from %s"
        " order by id", (code, company))
    names = [d.name for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def add_attempts(conn: psycopg.Connection, company: str, destination: int, n: int, outcome: str = "sent",
                 latency_ms: int = 120, error_code: int | None = None, events_per_attempt: int = 1) -> None:
    """n rows of delivery.attempts at app.now(), as delivery.record_attempt would write them."""
    conn.execute(
        """
        insert into delivery.attempts (company_id, destination_id, pixel_id, request_id, event_pks, event_count,
                                       http_status, outcome, rule_id, fbtrace_id, events_received, latency_ms,
                                       error_code)
        select %(c)s, %(d)s, (select pixel_id from delivery.destinations where id = %(d)s), gen_random_uuid()::text,
               '{}', %(k)s, case when %(o)s = 'sent' then 200 else 500 end, %(o)s,
               case when %(o)s <> 'sent' then
                 (select x.rule_id from delivery.classify_error(null, 500, %(code)s, null, null) x) end,
               'A' || md5(random()::text), case when %(o)s = 'sent' then %(k)s end, %(lat)s, %(code)s
        from generate_series(1, %(n)s)
        """, {"c": company, "d": destination, "n": n, "o": outcome, "lat": latency_ms, "code": error_code,
              "k": events_per_attempt})


def send_events(conn: psycopg.Connection, pks: list[int]) -> None:
    """Mark queued events sent, as a 2xx from Meta would."""
    conn.execute("update tracking.events set status = 'sent', sent_at = app.now() where id = any(%s)", (pks,))


def add_sales(conn: psycopg.Connection, company: str, event_pks: list[int], approved_at: datetime,
              gateway: str = "perfectpay") -> None:
    """One approved sale per event (its Purchase), approved at approved_at."""
    conn.execute(
        """
        insert into tracking.sales (company_id, gateway, provider_ref, status, sale_effect, amount, approved_at,
                                    purchase_event_pk)
        select %s, %s, 'S' || e, 'approved', 'sale', 197, %s, e from unnest(%s::bigint[]) e
        """, (company, gateway, approved_at, event_pks))


def at(base: datetime, minutes: float = 0) -> datetime:
    return base + timedelta(minutes=minutes)


def new_ref() -> str:
    return uuid.uuid4().hex[:10]


__all__ = ["add_attempts", "add_sales", "alerts", "at", "base_time", "evaluate", "freeze", "new_ref",
           "record_events", "send_events", "tenant"]
