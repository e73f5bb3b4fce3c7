"""The Slack incoming-webhook fake answers as Slack does: ok for text or blocks (JSON or form payload),
400 invalid_payload / no_text / invalid_blocks, 404 no_service for an unknown or revoked URL, 429 with
Retry-After on demand; it records only what it accepted."""

from __future__ import annotations

import json

import httpx

from fakes.base import serve
from fakes.slack import SlackFake


def test_slack_fake_answers_like_slack():
    fake = SlackFake()
    path = fake.add_webhook()
    with serve(fake.app) as server:
        url = server.url + path
        assert httpx.post(url, json={"text": "hello"}).text == "ok"
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}]
        assert httpx.post(url, json={"blocks": blocks}).status_code == 200
        r = httpx.post(url, data={"payload": json.dumps({"text": "form"})})
        assert (r.status_code, r.text) == (200, "ok")
        r = httpx.post(url, content=b"not json", headers={"content-type": "application/json"})
        assert (r.status_code, r.text) == (400, "invalid_payload")
        r = httpx.post(url, json=["a list"])
        assert (r.status_code, r.text) == (400, "invalid_payload")
        r = httpx.post(url, json={"username": "x"})
        assert (r.status_code, r.text) == (400, "no_text")
        r = httpx.post(url, json={"text": "   "})
        assert (r.status_code, r.text) == (400, "no_text")
        r = httpx.post(url, json={"blocks": [{"text": "no type"}]})
        assert (r.status_code, r.text) == (400, "invalid_blocks")
        r = httpx.post(server.url + "/services/T0/B0/unknown", json={"text": "x"})
        assert (r.status_code, r.text) == (404, "no_service")
        fake.throttle(1, retry_after=7)
        r = httpx.post(url, json={"text": "throttled"})
        assert (r.status_code, r.headers["retry-after"]) == (429, "7")
        fake.revoke(path)
        assert httpx.post(url, json={"text": "gone"}).status_code == 404
    assert fake.texts() == ["hello", "", "form"]
