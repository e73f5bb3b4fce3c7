"""CAC, payback and monthly cohorts with fixed data, computed by hand: a customer belongs to the month of
their first purchase; CAC = that month's spend / its new customers; payback = months until the cohort's
cumulated net revenue reaches its month's spend."""

from __future__ import annotations

import uuid
from decimal import Decimal

from psycopg.types.json import Jsonb

from core import tenants


def test_cac_payback_and_cohorts(conn):
    company = tenants.create_company(conn, "Loja coortes", f"co-{uuid.uuid4().hex[:8]}")
    conn.execute("insert into revenue.settings (company_id, time_zone) values (%s, 'UTC')", (company,))
    conn.execute("select revenue.record_spend(%s, 'csv', %s)", (company, Jsonb([
        {"day": "2026-10-05", "campaign_id": "c1", "spend": "250"},
        {"day": "2026-11-05", "campaign_id": "c1", "spend": "100"}])))
    conn.execute("select tracking.touch_visitor(%s, 'visitor-x-0001', '2026-10-01', '{}')", (company,))
    for ref, visitor, email, amount, at in (("X1", "visitor-x-0001", None, 150, "2026-10-10 10:00Z"),
                                            ("Y1", None, "y@example.com", 50, "2026-10-20 10:00Z"),
                                            ("X2", "visitor-x-0001", None, 100, "2026-11-10 10:00Z"),
                                            ("Z1", None, "z@example.com", 80, "2026-11-15 10:00Z")):
        conn.execute("select tracking.upsert_sale(%s, 'perfectpay', %s, 'approved', 'sale', %s, 'BRL', 'P', 'Produto',"
                     " %s, jsonb_build_object('em', tracking.hash_user_field('em', %s)), %s, null)",
                     (company, ref, amount, visitor, email, at))

    monthly = conn.execute("select month::text, spend, gross_revenue, net_revenue, purchases, new_customers, roas, cac"
                           " from monitoring.revenue_monthly where company_id = %s order by month",
                           (company,)).fetchall()
    # October: X and Y are new (150 + 50); November: X comes back (100), Z is new (80)
    assert monthly == [
        ("2026-10-01", Decimal(250), Decimal(200), Decimal(200), 2, 2, Decimal("0.8000"), Decimal("125.00")),
        ("2026-11-01", Decimal(100), Decimal(180), Decimal(180), 2, 1, Decimal("1.8000"), Decimal("100.00"))]

    cohorts = conn.execute("select cohort_month::text, months_since, customers, active_customers, net_revenue,"
                           " cumulative_net_revenue, cac, paid_back from monitoring.revenue_cohorts"
                           " where company_id = %s order by cohort_month, months_since", (company,)).fetchall()
    assert cohorts == [
        ("2026-10-01", 0, 2, 2, Decimal(200), Decimal(200), Decimal("125.00"), False),  # 200 < 250
        ("2026-10-01", 1, 2, 1, Decimal(100), Decimal(300), Decimal("125.00"), True),   # 300 >= 250
        ("2026-11-01", 0, 1, 1, Decimal(80), Decimal(80), Decimal("100.00"), False)]    # 80 < 100

    payback = conn.execute("select cohort_month::text, payback_months, net_revenue_to_date from"
                           " monitoring.revenue_payback where company_id = %s order by 1", (company,)).fetchall()
    assert payback == [("2026-10-01", 1, Decimal(300)), ("2026-11-01", None, Decimal(80))]
