"""A worked example with fixed data: purchases, touchpoints and spend whose last-touch and linear
attribution and ROAS per campaign are computed by hand below, then read from revenue.attributions and
monitoring.revenue_campaign_daily (what Looker Studio reads)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from psycopg.types.json import Jsonb

from core import tenants

NOW = "2026-11-20 12:00:00+00"  # frozen app.now(); the company reports in UTC
DAY = "2026-11-20"


def touch(conn, company, visitor, days_ago, url="https://loja.example.com/", utm_campaign=None, utm_content=None):
    return conn.execute(
        "insert into tracking.touchpoints (company_id, visitor_id, occurred_at, url, utm_campaign, utm_content)"
        " values (%s, %s, %s::timestamptz - make_interval(days => %s), %s, %s, %s) returning id",
        (company, visitor, NOW, days_ago, url, utm_campaign, utm_content)).fetchone()[0]


def test_last_touch_linear_and_roas_match_the_hand_computation(conn):
    conn.execute("select set_config('trackai.now', %s, false)", (NOW,))
    company = tenants.create_company(conn, "Loja exemplo", f"ex-{uuid.uuid4().hex[:8]}")
    conn.execute("insert into revenue.settings (company_id, lookback_days, time_zone) values (%s, 7, 'UTC')",
                 (company,))
    # spend of the day: campaign 111 (R$ 100) and campaign 222, "Black Friday" (R$ 75)
    conn.execute("select revenue.record_spend(%s, 'csv', %s)", (company, Jsonb([
        {"day": DAY, "campaign_id": "111", "campaign_name": "Remarketing", "spend": "100.00"},
        {"day": DAY, "campaign_id": "222", "campaign_name": "Black Friday", "spend": "75.00"}])))

    # visitor 1: five touches, one too old (lookback 7 days) and one direct (no campaign)
    conn.execute("select tracking.touch_visitor(%s, 'visitor-one-1', %s::timestamptz - interval '10 days', '{}')",
                 (company, NOW))
    touch(conn, company, "visitor-one-1", 10, utm_campaign="111")                                # too old
    t2 = touch(conn, company, "visitor-one-1", 5, url="https://loja.example.com/?campaign_id=111&adset_id=211&ad_id=311")
    t3 = touch(conn, company, "visitor-one-1", 3, utm_campaign="Black Friday", utm_content="ad-9")  # name -> 222
    touch(conn, company, "visitor-one-1", 2)                                                     # direct
    t4 = touch(conn, company, "visitor-one-1", 1, utm_campaign="111")
    # purchase 1: R$ 300 through a gateway, bought by visitor 1
    conn.execute("select tracking.upsert_sale(%s, 'perfectpay', 'P1', 'approved', 'sale', 300.00, 'BRL', 'X', 'Curso',"
                 " 'visitor-one-1', '{}', %s, null)", (company, NOW))

    # visitor 2, known by e-mail: one touch of "Black Friday"; purchase 2 (R$ 150) comes from the direct
    # API with the e-mail only, and is linked to visitor 2 by it
    conn.execute("select tracking.touch_visitor(%s, 'visitor-two-2', %s::timestamptz - interval '2 days',"
                 " '{\"em\": \"Comprador@Example.com\"}')", (company, NOW))
    t6 = touch(conn, company, "visitor-two-2", 2, utm_campaign="Black Friday")
    conn.execute("select tracking.record_event(%s, null, 'api', 'P2', 'Purchase', %s, 'system_generated', null,"
                 " '{\"em\": \"comprador@example.com\"}', '{\"value\": 150.00, \"currency\": \"BRL\"}')",
                 (company, NOW))
    # purchase 3: R$ 90, nobody we know: unattributed
    conn.execute("select tracking.upsert_sale(%s, 'perfectpay', 'P3', 'approved', 'sale', 90.00, 'BRL', 'X', 'Curso',"
                 " null, '{}', %s, null)", (company, NOW))

    conn.execute("select revenue.refresh_attribution(%s)", (company,))

    rows = conn.execute(
        "select p.provider_ref, a.model, a.touch_id, a.campaign, a.weight from revenue.attributions a"
        " join revenue.purchases p on p.company_id = a.company_id and p.purchase_key = a.purchase_key"
        " where a.company_id = %s and a.model in ('last_touch', 'linear') order by 1, 2, a.touched_at",
        (company,)).fetchall()
    third = Decimal(1) / Decimal(3)
    expected = [
        ("P1", "last_touch", t4, "111", Decimal(1)),
        # linear: the 3 campaign touches in the window, 1/3 each (the old and the direct one left out)
        ("P1", "linear", t2, "111", third), ("P1", "linear", t3, "222", third), ("P1", "linear", t4, "111", third),
        ("P2", "last_touch", t6, "222", Decimal(1)), ("P2", "linear", t6, "222", Decimal(1)),
        ("P3", "last_touch", None, None, Decimal(1)), ("P3", "linear", None, None, Decimal(1)),
    ]
    assert [(r[0], r[1], r[2], r[3], round(r[4], 12)) for r in rows] == \
        [(e[0], e[1], e[2], e[3], round(e[4], 12)) for e in expected]
    # the ad set and ad of the URL's Meta ids are kept
    assert conn.execute("select adset, ad from revenue.attributions where touch_id = %s limit 1",
                        (t2,)).fetchone() == ("211", "311")

    roas = {r[0]: r[1:] for r in conn.execute(
        "select campaign, spend, revenue_last_touch, revenue_linear, roas_last_touch, roas_linear"
        " from monitoring.revenue_campaign_daily where company_id = %s and day = %s", (company, DAY))}
    # by hand:
    #   last touch: 111 <- P1 300;             222 <- P2 150             ; unattributed <- P3 90
    #   linear:     111 <- 2/3 of 300 = 200;   222 <- 1/3 of 300 + 150 = 250
    #   ROAS last touch: 111 = 300 / 100 = 3;  222 = 150 / 75 = 2
    #   ROAS linear:     111 = 200 / 100 = 2;  222 = 250 / 75 = 3.3333
    assert roas["111"] == (Decimal("100.00"), Decimal("300.00"), Decimal("200.00"), Decimal("3.0000"),
                           Decimal("2.0000"))
    assert roas["222"] == (Decimal("75.00"), Decimal("150.00"), Decimal("250.00"), Decimal("2.0000"),
                           Decimal("3.3333"))
    assert roas["(unattributed)"] == (Decimal(0), Decimal("90.00"), Decimal("90.00"), None, None)
    assert set(roas) == {"111", "222", "(unattributed)"}
