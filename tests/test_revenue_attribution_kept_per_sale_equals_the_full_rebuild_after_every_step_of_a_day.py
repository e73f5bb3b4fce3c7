"""Attribution is kept current as things happen, in the transaction that records them: a sale, a Purchase
from the API, a buyer linked later by e-mail, a late browser event, spend that names a UTM's campaign, a
refund, a lookback change. A scripted day: after every step, the rows kept incrementally are exactly
what the full rebuild (`trackai revenue rebuild`) computes, every purchase has rows under every model,
and the report's revenue adds up to the sales."""

from __future__ import annotations

from psycopg.types.json import Jsonb

from tests.revenueutil import company_in_utc, visit

NOW = "2026-11-20 23:00:00+00"


def t(hour: int, minute: int = 0) -> str:
    return f"2026-11-20 {hour:02d}:{minute:02d}:00+00"


SNAPSHOT = ("select purchase_key, model, touch_kind, touch_id, touched_at, campaign, adset, ad, utm_campaign, weight,"
            " lead_visitor_id, purchased_at from revenue.attributions where company_id = %s order by 1, 2, 5, 4")


def check(conn, company, step: str) -> None:
    kept = conn.execute(SNAPSHOT, (company,)).fetchall()
    conn.execute("select revenue.refresh_attribution(%s)", (company,))
    assert kept == conn.execute(SNAPSHOT, (company,)).fetchall(), f"after {step}"
    purchases, net = conn.execute("select count(*), coalesce(sum(net_amount), 0) from revenue.purchases"
                                  " where company_id = %s", (company,)).fetchone()
    per_model = conn.execute(
        "select m.model, (select count(distinct a.purchase_key) from revenue.attributions a"
        "                 where a.company_id = %s and a.model = m.model),"
        "       (select coalesce(sum(r.revenue), 0) from monitoring.revenue_attribution_daily r"
        "        where r.company_id = %s and r.model = m.model)"
        " from revenue.attribution_models m", (company, company)).fetchall()
    assert len(per_model) == 3
    assert all(n == purchases and revenue == net for _, n, revenue in per_model), (step, per_model, purchases, net)


def sale(conn, company, ref, status, effect, amount, visitor, when):
    conn.execute("select tracking.upsert_sale(%s, 'perfectpay', %s, %s, %s, %s, 'BRL', 'X', 'Curso', %s, '{}', %s,"
                 " null)", (company, ref, status, effect, amount, visitor, when))


def test_every_step_matches_the_rebuild(conn):
    company = company_in_utc(conn, NOW, lookback_days=7)
    conn.execute("select revenue.record_spend(%s, 'csv', %s)", (company, Jsonb([
        {"day": "2026-11-20", "campaign_id": "111", "campaign_name": "Alpha", "spend": "80.00"}])))

    visit(conn, company, "visitor-ana-01", t(8), "111", "Alpha", "ca1", ("PageView", "ViewContent"))
    check(conn, company, "a visit")
    sale(conn, company, "S1", "approved", "sale", "197.00", "visitor-ana-01", t(9))
    check(conn, company, "a sale")
    assert conn.execute("select count(*) from revenue.attributions where company_id = %s and campaign = '111'",
                        (company,)).fetchone()[0] == 3  # at once, one row per model

    # Bruno comes from an ad whose link has UTMs only, naming a campaign spend does not know yet
    visit(conn, company, "visitor-bruno-2", t(9, 30), None, "Beta", "cb1", ("PageView", "Lead", "InitiateCheckout"))
    conn.execute("select tracking.record_event(%s, null, 'api', 'P2', 'Purchase', %s, 'system_generated', null,"
                 " '{\"em\": \"bruno@example.com\"}', '{\"value\": 97.00, \"currency\": \"BRL\"}')", (company, t(10)))
    check(conn, company, "a Purchase from the API nobody is linked to yet")
    # the browser learns Bruno's e-mail: the API purchase is his now, and attributed to his touch
    conn.execute("select tracking.touch_visitor(%s, 'visitor-bruno-2', %s, '{\"em\": \"Bruno@Example.com\"}')",
                 (company, t(10, 30)))
    check(conn, company, "a buyer linked by e-mail")
    assert conn.execute("select campaign from revenue.attributions where company_id = %s and model = 'last_touch'"
                        " and purchase_key like 'event:%%'", (company,)).fetchone()[0] == "Beta"

    # a browser event of 8:30 arrives late (a replay): Ana's sale now has two touches
    visit(conn, company, "visitor-ana-01", t(8, 30), "333", "Gama", "ca2")
    check(conn, company, "a late touch")
    assert conn.execute("select count(*) from revenue.attributions where company_id = %s and model = 'linear'"
                        " and purchase_key like 'sale:%%'", (company,)).fetchone()[0] == 2

    # spend now names campaign 222 "Beta": Bruno's purchase moves to 222
    conn.execute("select revenue.record_spend(%s, 'insights', %s)", (company, Jsonb([
        {"day": "2026-11-20", "campaign_id": "222", "campaign_name": "Beta", "spend": "40.00"}])))
    check(conn, company, "spend naming a UTM's campaign")
    assert conn.execute("select campaign from revenue.attributions where company_id = %s and model = 'last_touch'"
                        " and purchase_key like 'event:%%'", (company,)).fetchone()[0] == "222"

    sale(conn, company, "S1", "refunded", "refund", "197.00", "visitor-ana-01", t(13))
    check(conn, company, "a refund")
    sale(conn, company, "S3", "approved", "sale", "47.00", None, t(14))
    check(conn, company, "a sale nobody is linked to")
    conn.execute("update revenue.settings set lookback_days = 1 where company_id = %s", (company,))
    check(conn, company, "a shorter lookback")
