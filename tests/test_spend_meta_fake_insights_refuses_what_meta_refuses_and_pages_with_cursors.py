"""The Meta fake's Insights endpoint (GET act_<id>/insights) answers like Graph: numbers as strings, one row
per day and campaign at level=campaign, `paging.cursors` and a `next` URL while rows remain; and refuses a
missing token (104), an ad account the token cannot read (100/33), an unknown field, level or time_range
(100)."""

from __future__ import annotations

import json

from starlette.testclient import TestClient

from fakes.meta_graph import MetaFake

TOKEN = "EAAB-insights-token"
RANGE = json.dumps({"since": "2026-11-01", "until": "2026-11-02"})
FIELDS = "campaign_id,campaign_name,spend"


def test_insights_answers_and_refusals():
    fake = MetaFake()
    fake.add_ad_account("42", TOKEN)
    fake.add_token("EAAB-stranger")
    keys = ("date", "campaign_id", "campaign_name", "adset_id", "ad_id", "spend")
    fake.add_insights("42", [dict(zip(keys, row, strict=True)) for row in (
        ("2026-11-01", "1", "A", "11", "111", "1.10"),
        ("2026-11-01", "1", "A", "11", "112", "2"),
        ("2026-11-02", "2", "B", "21", "211", "5"),
        ("2026-11-03", "2", "B", "21", "211", "9"),
    )])
    client = TestClient(fake.app)
    auth = {"authorization": f"Bearer {TOKEN}"}
    params = {"level": "campaign", "time_increment": "1", "fields": FIELDS, "time_range": RANGE, "limit": "1"}

    first = client.get("/v24.0/act_42/insights", params=params, headers=auth)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["data"] == [{"campaign_id": "1", "campaign_name": "A", "spend": "3.10",
                             "date_start": "2026-11-01", "date_stop": "2026-11-01"}]
    assert body["paging"]["next"] and "access_token" not in body["paging"]["next"]
    second = client.get("/v24.0/act_42/insights", params={**params, "after": body["paging"]["cursors"]["after"]},
                        headers=auth).json()
    assert [r["campaign_id"] for r in second["data"]] == ["2"] and "next" not in second["paging"]

    def refused(extra: dict, headers: dict = auth, path: str = "/v24.0/act_42/insights") -> tuple:
        r = client.get(path, params={**params, **extra}, headers=headers)
        err = r.json()["error"]
        return r.status_code, err["code"], err["error_subcode"]

    assert refused({}, headers={}) == (400, 104, None)
    assert refused({}, headers={"authorization": "Bearer EAAB-stranger"}) == (400, 100, 33)
    assert refused({}, path="/v24.0/act_43/insights") == (400, 100, 33)
    assert refused({"fields": "campaign_id,revenue"}) == (400, 100, None)
    assert refused({"level": "campaigns"}) == (400, 100, None)
    assert refused({"time_range": "{\"since\": \"2026-11-02\"}"}) == (400, 100, None)
    assert refused({"time_range": json.dumps({"since": "2026-11-03", "until": "2026-11-01"})}) == (400, 100, None)
    assert refused({"limit": "0"}) == (400, 100, None)
