"""Two reporting choices a company makes (revenue.settings), read by monitoring.revenue_monthly: whether a
refund or chargeback lowers the purchase's month (the default) or the month it came (so a closed month
stays closed), and whether CAC counts paying customers only (the default) or every buyer."""

from __future__ import annotations

from decimal import Decimal

from psycopg.types.json import Jsonb

from tests.revenueutil import company_in_utc

NOW = "2026-12-10 12:00:00+00"


def sale(conn, company, ref, status, effect, visitor, at):
    conn.execute("select tracking.upsert_sale(%s, 'perfectpay', %s, %s, %s, 100, 'BRL', 'X', 'Curso', %s, '{}', %s,"
                 " null)", (company, ref, status, effect, visitor, at))


def months(conn, company):
    return {r[0]: r[1:] for r in conn.execute(
        "select month::text, gross_revenue, refunds, net_revenue, new_customers, cac, roas"
        " from monitoring.revenue_monthly where company_id = %s", (company,))}


def test_refund_month_and_paying_customers(conn):
    company = company_in_utc(conn, NOW)
    conn.execute("select revenue.record_spend(%s, 'csv', %s)", (company, Jsonb([
        {"day": "2026-11-05", "campaign_id": "111", "spend": "1170.00"}])))
    # four new buyers in November; one refunds in December, one charges back in November
    for n in range(1, 5):
        conn.execute("select tracking.touch_visitor(%s, %s, '2026-11-09 10:00+00', '{}')", (company, f"buyer-{n}-abcd"))
        sale(conn, company, f"N{n}", "approved", "sale", f"buyer-{n}-abcd", "2026-11-10 10:00+00")
    sale(conn, company, "N3", "refunded", "refund", "buyer-3-abcd", "2026-12-05 10:00+00")
    sale(conn, company, "N4", "charged_back", "chargeback", "buyer-4-abcd", "2026-11-20 10:00+00")

    # default: refunds in the purchase's month; CAC over the 2 who paid: 1170 / 2
    got = months(conn, company)
    assert got["2026-11-01"] == (Decimal(400), Decimal(200), Decimal(200), 2, Decimal("585.00"), Decimal("0.1709"))
    assert "2026-12-01" not in got

    conn.execute("update revenue.settings set cac_customers = 'all' where company_id = %s", (company,))
    assert months(conn, company)["2026-11-01"][3:5] == (4, Decimal("292.50"))

    # refunds in their own month: November keeps the chargeback only, December shows the late refund
    conn.execute("update revenue.settings set refunds_in = 'refund_month', cac_customers = 'paying'"
                 " where company_id = %s", (company,))
    got = months(conn, company)
    assert got["2026-11-01"] == (Decimal(400), Decimal(100), Decimal(300), 2, Decimal("585.00"), Decimal("0.2564"))
    assert got["2026-12-01"] == (Decimal(0), Decimal(100), Decimal(-100), 0, None, None)  # no spend: ROAS NULL
