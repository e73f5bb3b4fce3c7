"""In the revenue views ROAS is NULL exactly when spend is 0 and a number otherwise (0 on a day with spend
and no revenue); and a campaign's name follows one rule - the latest Insights name, else the latest CSV
name, else the UTM campaign of its touches - so a spend row without a name never splits a campaign in two."""

from __future__ import annotations

from decimal import Decimal

from psycopg.types.json import Jsonb

from tests.revenueutil import company_in_utc, visit

NOW = "2026-11-20 12:00:00+00"


def test_roas_nulls_and_names(conn):
    company = company_in_utc(conn, NOW)
    conn.execute("select revenue.record_spend(%s, 'csv', %s)", (company, Jsonb([
        {"day": "2026-11-19", "campaign_id": "111", "campaign_name": "Alpha (CSV)", "spend": "10.00"},
        {"day": "2026-11-20", "campaign_id": "111", "spend": "20.00"},          # no name on this row
        {"day": "2026-11-20", "campaign_id": "222", "spend": "0.00"}])))
    conn.execute("select revenue.record_spend(%s, 'insights', %s)", (company, Jsonb([
        {"day": "2026-11-18", "campaign_id": "111", "campaign_name": "Alpha", "spend": "5.00"}])))
    visit(conn, company, "visitor-roas-01", "2026-11-20 09:00+00", "111", "alpha-utm", "c1")
    visit(conn, company, "visitor-roas-02", "2026-11-20 09:00+00", "222", None, "c2")
    visit(conn, company, "visitor-roas-03", "2026-11-20 09:00+00", "333", "Gama na UTM", "c3")
    for n, ref in ((1, "S1"), (2, "S2"), (3, "S3")):
        conn.execute("select tracking.upsert_sale(%s, 'perfectpay', %s, 'approved', 'sale', 50, 'BRL', 'X', 'Curso',"
                     " %s, '{}', %s, null)", (company, ref, f"visitor-roas-0{n}", NOW))

    rows = {(r[0], r[1]): r[2:] for r in conn.execute(
        "select day::text, campaign, campaign_name, spend, revenue_last_touch, roas_last_touch, roas_linear"
        " from monitoring.revenue_campaign_daily where company_id = %s", (company,))}
    # a day with spend and no sale: ROAS 0
    assert rows[("2026-11-19", "111")] == ("Alpha", Decimal("10.00"), Decimal(0), Decimal(0), Decimal(0))
    assert rows[("2026-11-20", "111")] == ("Alpha", Decimal("20.00"), Decimal("50.00"), Decimal("2.5000"),
                                           Decimal("2.5000"))
    assert rows[("2026-11-20", "222")][1:] == (Decimal(0), Decimal("50.00"), None, None)   # spend 0: NULL
    assert rows[("2026-11-20", "333")] == ("Gama na UTM", Decimal(0), Decimal("50.00"), None, None)  # no spend row
    assert sum(1 for day, campaign in rows if campaign == "111") == 3  # one campaign, one name, one row a day
    assert conn.execute("select roas from monitoring.revenue_monthly where company_id = %s",
                        (company,)).fetchone()[0] == Decimal("4.2857")  # 150 / 35
