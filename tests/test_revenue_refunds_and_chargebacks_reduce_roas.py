"""Refunds and chargebacks reduce revenue, so ROAS, without touching the attribution: two purchases
attributed to one campaign, then a refund of one (as a gateway reports it through tracking.upsert_sale)
and a chargeback of the other."""

from __future__ import annotations

import uuid
from decimal import Decimal

from psycopg.types.json import Jsonb

from core import tenants

NOW = "2026-11-21 15:00:00+00"
DAY = "2026-11-21"


def sale(conn, company, ref, effect, amount):
    conn.execute("select tracking.upsert_sale(%s, 'perfectpay', %s, %s, %s, %s, 'BRL', 'X', 'Curso',"
                 " 'visitor-refund-1', '{}', %s, null)",
                 (company, ref, {"sale": "approved", "refund": "refunded", "chargeback": "charged_back"}[effect],
                  effect, amount, NOW))


def figures(conn, company):
    campaign = conn.execute("select revenue_last_touch, roas_last_touch from monitoring.revenue_campaign_daily"
                            " where company_id = %s and day = %s and campaign = '333'", (company, DAY)).fetchone()
    month = conn.execute("select gross_revenue, refunds, net_revenue, roas from monitoring.revenue_monthly"
                         " where company_id = %s", (company,)).fetchone()
    return campaign, month


def test_a_refund_and_a_chargeback_lower_roas(conn):
    conn.execute("select set_config('trackai.now', %s, false)", (NOW,))
    company = tenants.create_company(conn, "Loja reembolso", f"rf-{uuid.uuid4().hex[:8]}")
    conn.execute("insert into revenue.settings (company_id, time_zone) values (%s, 'UTC')", (company,))
    conn.execute("select revenue.record_spend(%s, 'csv', %s)",
                 (company, Jsonb([{"day": DAY, "campaign_id": "333", "spend": "100.00"}])))
    conn.execute("select tracking.touch_visitor(%s, 'visitor-refund-1', %s::timestamptz - interval '1 day', '{}')",
                 (company, NOW))
    conn.execute("insert into tracking.touchpoints (company_id, visitor_id, occurred_at, utm_campaign)"
                 " values (%s, 'visitor-refund-1', %s::timestamptz - interval '1 day', '333')", (company, NOW))
    sale(conn, company, "R1", "sale", 200)
    sale(conn, company, "R2", "sale", 100)
    conn.execute("select revenue.refresh_attribution(%s)", (company,))

    # 300 / 100
    assert figures(conn, company) == ((Decimal("300.00"), Decimal("3.0000")),
                                      (Decimal("300.00"), Decimal("0.00"), Decimal("300.00"), Decimal("3.0000")))

    sale(conn, company, "R2", "refund", 100)
    # (300 - 100) / 100; no recomputation needed: attribution rows hold weights, revenue is read net
    assert figures(conn, company) == ((Decimal("200.00"), Decimal("2.0000")),
                                      (Decimal("300.00"), Decimal("100.00"), Decimal("200.00"), Decimal("2.0000")))

    sale(conn, company, "R1", "chargeback", 200)
    assert figures(conn, company) == ((Decimal("0.00"), Decimal("0.0000")),
                                      (Decimal("300.00"), Decimal("300.00"), Decimal("0.00"), Decimal("0.0000")))
    # a late 'approved' for a refunded sale does not bring the revenue back (tracking.upsert_sale's rule)
    sale(conn, company, "R2", "sale", 100)
    assert figures(conn, company)[0] == (Decimal("0.00"), Decimal("0.0000"))
