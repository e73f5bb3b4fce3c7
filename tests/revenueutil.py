"""A company and its browser touches for the revenue tests: visits as the snippet records them (one
touchpoint per event, the landing's UTMs and click id repeated on every later event of the visit)."""

from __future__ import annotations

import uuid

from core import tenants


def company_in_utc(conn, now: str, lookback_days: int = 7) -> str:
    """A new company reporting in UTC, with app.now() frozen at now."""
    conn.execute("select set_config('trackai.now', %s, false)", (now,))
    company = tenants.create_company(conn, "Loja exemplo", f"ex-{uuid.uuid4().hex[:8]}")
    conn.execute("insert into revenue.settings (company_id, lookback_days, time_zone) values (%s, %s, 'UTC')",
                 (company, lookback_days))
    return company


def visit(conn, company: str, visitor: str, at: str, campaign_id: str | None, utm_campaign: str | None,
          fbclid: str, events: tuple[str, ...] = ("PageView",)) -> int:
    """One visit from an ad click at `at`: the landing carries Meta's campaign id in the URL and the UTMs,
    each later event (one minute apart) repeats the UTMs and click id. Returns the landing's id."""
    conn.execute("select tracking.touch_visitor(%s, %s, %s, '{}')", (company, visitor, at))
    ids = []
    for i, event in enumerate(events):
        url = "https://loja.example.com/checkout" if i else \
            f"https://loja.example.com/?campaign_id={campaign_id}&fbclid={fbclid}" if campaign_id else \
            f"https://loja.example.com/?fbclid={fbclid}"
        ids.append(conn.execute(
            "insert into tracking.touchpoints (company_id, visitor_id, occurred_at, event_name, url, fbclid,"
            " utm_source, utm_medium, utm_campaign)"
            " values (%s, %s, %s::timestamptz + make_interval(mins => %s), %s, %s, %s, 'facebook', 'paid', %s)"
            " returning id", (company, visitor, at, i, event, url, fbclid, utm_campaign)).fetchone()[0])
    return ids[0]
