"""Linear and position-based attribution split each sale over its ad touches (a new click or UTM set,
a campaign once per visit), not over browser events: a visit that fires five events on campaign B
weighs what a one-event visit on A weighs. A hand-computed example with multi-event visits, read from
monitoring.revenue_attribution_daily (what Looker Studio reads): every model's revenue per campaign,
to the cent, and the cents of each sale adding up to it."""

from __future__ import annotations

from decimal import Decimal

from psycopg.types.json import Jsonb

from tests.revenueutil import company_in_utc, visit

NOW = "2026-11-20 12:00:00+00"
DAY = "2026-11-20"


def at(days_ago: int, hour: int = 10, minute: int = 0) -> str:
    return f"2026-11-{20 - days_ago:02d} {hour:02d}:{minute:02d}:00+00"


def sale(conn, company, ref, amount, visitor):
    conn.execute("select tracking.upsert_sale(%s, 'perfectpay', %s, 'approved', 'sale', %s, 'BRL', 'X', 'Curso',"
                 " %s, '{}', %s, null)", (company, ref, amount, visitor, NOW))


def test_linear_and_position_based_over_touches(conn):
    company = company_in_utc(conn, NOW)
    conn.execute("select revenue.record_spend(%s, 'csv', %s)", (company, Jsonb([
        {"day": DAY, "campaign_id": "111", "campaign_name": "Alpha", "spend": "100.00"},
        {"day": DAY, "campaign_id": "222", "campaign_name": "Beta", "spend": "50.00"},
        {"day": DAY, "campaign_id": "333", "campaign_name": "Gama", "spend": "30.00"}])))

    # P1 (R$ 100): a one-event visit on A, then a visit on B with five events -> A 1/2, B 1/2
    visit(conn, company, "visitor-one-1", at(3), "111", "Alpha", "c1")
    visit(conn, company, "visitor-one-1", at(2), "222", "Beta", "c2",
          ("PageView", "ViewContent", "AddToCart", "InitiateCheckout", "AddPaymentInfo"))
    sale(conn, company, "P1", 100, "visitor-one-1")
    # P2 (R$ 100): A, B, C, then A again on a new click, four visits
    #   linear 1/4 each; position-based A 40 % + 40 %, B and C 10 % each
    for days_ago, (campaign, name) in zip((5, 4, 3, 1), (("111", "Alpha"), ("222", "Beta"), ("333", "Gama"),
                                                         ("111", "Alpha")), strict=True):
        visit(conn, company, "visitor-two-2", at(days_ago), campaign, name, f"c2{days_ago}", ("PageView", "Lead"))
    sale(conn, company, "P2", 100, "visitor-two-2")
    # P3 (R$ 10): A, B, C -> linear 3.33 / 3.33 / 3.34 (the cent left over goes to the last touch);
    # position-based 4 / 2 / 4
    for days_ago, (campaign, name) in zip((4, 3, 2), (("111", "Alpha"), ("222", "Beta"), ("333", "Gama")),
                                      strict=True):
        visit(conn, company, "visitor-three-3", at(days_ago), campaign, name, f"c3{days_ago}")
    sale(conn, company, "P3", 10, "visitor-three-3")
    # P4 (R$ 20): one visit, A at 10:00, B at 10:10, A again (a new click) at 10:20: A counts once in the
    # visit, as its latest touch -> B first, A last: 10 / 10 under both shared models, A 20 last touch
    visit(conn, company, "visitor-four-4", at(1, 10, 0), "111", "Alpha", "c41", ("PageView", "ViewContent"))
    visit(conn, company, "visitor-four-4", at(1, 10, 10), "222", "Beta", "c42", ("PageView", "AddToCart"))
    visit(conn, company, "visitor-four-4", at(1, 10, 20), "111", "Alpha", "c43")
    sale(conn, company, "P4", 20, "visitor-four-4")

    revenue = {(r[0], r[1]): (r[2], r[3]) for r in conn.execute(
        "select model, campaign, revenue, campaign_name from monitoring.revenue_attribution_daily"
        " where company_id = %s and day = %s", (company, DAY))}
    by_hand = {
        #              A (111)            B (222)            C (333)
        "linear": ("113.33", "88.33", "28.34"),          # 50+25+3.33+10 | 50+25+3.33+10 | 25+3.34
        "position_based": ("144.00", "72.00", "14.00"),  # 50+80+4+10 | 50+10+2+10 | 10+4
        "last_touch": ("120.00", "100.00", "10.00"),     # P2 + P4 | P1 | P3
    }
    for model, amounts in by_hand.items():
        got = {c: revenue[(model, c)][0] for c in ("111", "222", "333")}
        assert got == dict(zip(("111", "222", "333"), map(Decimal, amounts), strict=True)), model
        assert sum(got.values()) == Decimal("230.00"), model  # every sale, to the cent
    assert revenue[("linear", "111")][1] == "Alpha"
    assert set(revenue) == {(m, c) for m in by_hand for c in ("111", "222", "333")}  # none unattributed

    # ROAS per model: revenue / spend
    roas = dict(((r[0], r[1]), r[2]) for r in conn.execute(
        "select model, campaign, roas from monitoring.revenue_attribution_daily where company_id = %s", (company,)))
    assert roas[("linear", "111")] == Decimal("1.1333") and roas[("position_based", "333")] == Decimal("0.4667")

    # the old rule gave P1's B visit 5/6 (one touchpoint row per event); a touch is one row here
    assert conn.execute(
        "select array_agg(round(weight, 4) order by touched_at) from revenue.attributions a"
        " join revenue.purchases p using (company_id, purchase_key)"
        " where a.company_id = %s and p.provider_ref = 'P1' and model = 'linear'", (company,)).fetchone()[0] \
        == [Decimal("0.5000"), Decimal("0.5000")]
