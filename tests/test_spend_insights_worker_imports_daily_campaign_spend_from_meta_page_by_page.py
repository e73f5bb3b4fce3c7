"""The insights worker reads GET act_<id>/insights (level campaign, one row per day) page by page through
the `after` cursor, and stores spend per campaign and day through revenue.record_spend. A failed read
keeps the message and stores nothing; the next read imports the whole range."""

from __future__ import annotations

import uuid
from decimal import Decimal

from core import tenants
from jobs.base import QueueWorker
from jobs.insights import QUEUE, InsightsImporter
from tests.apiutil import settings_for
from tests.dispatchutil import keyring, meta_fake, new_token

AD_ACCOUNT = "7770001"
# ad-level facts: the fake sums them per campaign and day, as Insights does at level=campaign
FACTS = [
    {"date": "2026-11-18", "campaign_id": "901", "campaign_name": "Lançamento", "adset_id": "9011", "ad_id": "90111",
     "spend": "10.50"},
    {"date": "2026-11-18", "campaign_id": "901", "campaign_name": "Lançamento", "adset_id": "9011", "ad_id": "90112",
     "spend": "4.25"},
    {"date": "2026-11-18", "campaign_id": "902", "campaign_name": "Remarketing", "adset_id": "9021", "ad_id": "90211",
     "spend": "7.00"},
    {"date": "2026-11-19", "campaign_id": "901", "campaign_name": "Lançamento", "adset_id": "9011", "ad_id": "90111",
     "spend": "12.00"},
    {"date": "2026-11-20", "campaign_id": "902", "campaign_name": "Remarketing", "adset_id": "9021", "ad_id": "90211",
     "spend": "3.10"},
    {"date": "2026-11-15", "campaign_id": "901", "campaign_name": "Lançamento", "adset_id": "9011", "ad_id": "90111",
     "spend": "99.00"},  # before the range
]


def test_paged_import_and_a_retried_failure(conn, dsn):
    conn.execute("select set_config('trackai.now', '2026-11-20 18:00:00+00', false)")
    token = new_token()
    company = tenants.create_company(conn, "Loja gasto", f"sp-{uuid.uuid4().hex[:8]}")
    tenants.put_secret(conn, keyring(), company, "meta_ads_token", token)
    conn.execute("insert into revenue.settings (company_id, ad_account_id, insights_days) values (%s, %s, 3)",
                 (company, AD_ACCOUNT))
    assert conn.execute("select revenue.queue_insights()").fetchone()[0] >= 1
    message = conn.execute("select message from pgmq.q_insights where message ->> 'company' = %s",
                           (company,)).fetchone()[0]
    assert (message["since"], message["until"]) == ("2026-11-18", "2026-11-20")  # 3 days, São Paulo time

    with meta_fake() as (fake, url):
        fake.add_ad_account(AD_ACCOUNT, token)
        fake.add_insights(AD_ACCOUNT, FACTS)
        importer = InsightsImporter(settings_for(dsn, meta_graph_url=url), page=2)
        worker = QueueWorker(dsn, QUEUE, importer.handle, batch=10, vt_s=0)

        fake.fail_next(1, "server_error")
        worker.run_once(conn)
        assert conn.execute("select count(*) from revenue.spend where company_id = %s", (company,)).fetchone()[0] == 0
        assert conn.execute("select count(*) from pgmq.q_insights").fetchone()[0] >= 1  # kept for a retry

        worker.run_once(conn)
        pages = [r for r in fake.requests() if r["path"].endswith("/insights") and r["status"] == 200]
        assert len(pages) == 2  # 4 campaign-days, 2 per page

    assert conn.execute("select day::text, campaign_id, adset_id, ad_id, campaign_name, spend, currency, source"
                        " from revenue.spend where company_id = %s order by day, campaign_id",
                        (company,)).fetchall() == [
        ("2026-11-18", "901", "", "", "Lançamento", Decimal("14.75"), "BRL", "insights"),
        ("2026-11-18", "902", "", "", "Remarketing", Decimal("7.00"), "BRL", "insights"),
        ("2026-11-19", "901", "", "", "Lançamento", Decimal("12.00"), "BRL", "insights"),
        ("2026-11-20", "902", "", "", "Remarketing", Decimal("3.10"), "BRL", "insights")]
    assert conn.execute("select count(*) from pgmq.q_insights").fetchone()[0] == 0
