"""`trackai work insights`: import ad spend per campaign and day from Meta's Insights API.

revenue.queue_insights() (hourly) puts {company, since, until} on the `insights` queue. For each message
the worker reads GET act_<id>/insights?level=campaign&time_increment=1 with the fields below, following
the `paging.cursors.after` cursor while Meta says there is a `next` page, and hands all rows to
revenue.record_spend(company, 'insights', rows) in one call (one transaction: a half-read range is never
stored). Failures leave the message for another try after the visibility timeout (MAX_READS at most).
"""

from __future__ import annotations

import json
import logging

import httpx
import psycopg
from psycopg.types.json import Jsonb

from core.secrets import Keyring, SecretError
from core.settings import Settings
from jobs.audiences import decrypt_ads_token, failure_text, graph_client
from jobs.base import Message

log = logging.getLogger("trackai.jobs.insights")

QUEUE = "insights"
MAX_READS = 6
FIELDS = "campaign_id,campaign_name,adset_id,ad_id,spend,account_currency,date_start,date_stop"
PAGE = 500


class InsightsImporter:
    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None,
                 keyring: Keyring | None = None, page: int = PAGE):
        self.keyring = keyring or Keyring.parse(settings.secret_key)
        self.graph = graph_client(settings, transport)
        self.page = page

    def handle(self, conn: psycopg.Connection, messages: list[Message]) -> None:
        for msg in messages:
            done = self.import_range(conn, str(msg.message.get("company")), str(msg.message.get("since")),
                                     str(msg.message.get("until")))
            if done or msg.read_ct >= MAX_READS:
                conn.execute("select pgmq.delete(%s, %s::bigint)", (QUEUE, msg.msg_id))

    def import_range(self, conn: psycopg.Connection, company_id: str, since: str, until: str) -> bool:
        """Read and store one company's spend for [since, until]; False when it should be tried again."""
        row = conn.execute("select ad_account_id, key_id, ciphertext from revenue.insights_job(%s::uuid)",
                           (company_id,)).fetchone()
        if row is None or row[0] is None:
            return True  # the company or its ad account is gone: nothing to do
        ad_account, key_id, ciphertext = row
        try:
            token = decrypt_ads_token(self.keyring, company_id, key_id, ciphertext)
        except SecretError as exc:
            log.warning("insights skipped", extra={"company": company_id, "error": str(exc)})
            return True
        params = {"level": "campaign", "time_increment": 1, "fields": FIELDS, "limit": self.page,
                  "time_range": json.dumps({"since": since, "until": until})}
        rows: list[dict] = []
        while True:
            answer = self.graph.call("GET", f"act_{ad_account}/insights", token, params=params)
            if answer.http_status != 200:
                log.warning("insights read failed", extra={"company": company_id, "error": failure_text(answer)})
                return False
            body = json.loads(answer.body)
            rows += [{"day": r.get("date_start"), "campaign_id": r.get("campaign_id"),
                      "campaign_name": r.get("campaign_name"), "adset_id": r.get("adset_id"),
                      "ad_id": r.get("ad_id"), "spend": r.get("spend"), "currency": r.get("account_currency")}
                     for r in body.get("data", [])]
            paging = body.get("paging") or {}
            if not paging.get("next"):
                break
            params = {**params, "after": paging["cursors"]["after"]}
        n = conn.execute("select revenue.record_spend(%s::uuid, 'insights', %s)",
                         (company_id, Jsonb(rows))).fetchone()[0]
        log.info("insights imported", extra={"company": company_id, "since": since, "until": until, "rows": n})
        return True
