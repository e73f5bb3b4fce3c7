"""The whole onboarding journey against the fakes: five fields in, every step run by the setup worker,
the snippet installed, the test event at Meta with the tenant's test_event_code, then `active` once a
live sale arrives. No secret ever comes back."""

from __future__ import annotations

import json

import httpx
import psycopg

from tests import setuputil
from tests.apiutil import postback
from tests.setuputil import step


def test_a_session_reaches_active_and_never_returns_a_secret(dsn):
    with setuputil.world(dsn) as w:
        token = w.user_token()
        r = w.call("POST", "/sessions", token, json=w.fields())
        assert r.status_code == 201, r.text
        created = r.json()
        assert created["status"] == "validating"
        assert created["webhook_url"] == f"{w.api}/webhooks/perfectpay/{created['webhook_url'].rsplit('/', 1)[1]}"
        assert created["collector_url"] == f"{w.api}/collect"
        sid = created["session_id"]

        # everything but the landing page goes through; the page lacks the snippet: the lead must act
        report = w.wait(sid, token, lambda s: s["status"] == "needs_attention"
                        and step(s, "render_snippet")["status"] == "succeeded"
                        and step(s, "provision_dns")["status"] == "succeeded")
        landing = step(report, "validate_landing")
        assert landing["diagnosis"]["code"] == "landing.snippet_missing"
        assert landing["diagnosis"]["retries_by_itself"] is False
        assert step(report, "test_event")["status"] == "pending"

        w.install_snippet(sid, token)
        assert w.call("POST", f"/sessions/{sid}/validate", token).status_code == 200
        report = w.wait(sid, token, lambda s: s["status"] == "event_received")
        test = step(report, "test_event")["result"]
        assert test["fbtrace_id"] and test["match_quality"] > 0
        sent = w.meta.accepted_events(pixel_id=setuputil.PIXEL)
        assert [e.event_id for e in sent] == [test["event_id"]]
        assert sent[0].test_event_code == "TEST4242"

        # the gateway's first real sale: live (no test code), and the session becomes active
        live = httpx.post(created["webhook_url"], json=postback(code="PPLIVE0001", token=setuputil.PP_TOKEN))
        assert live.status_code == 200, live.text
        report = w.wait(sid, token, lambda s: s["status"] == "active")
        assert report["active_at"] >= report["event_received_at"] >= report["awaiting_event_at"]
        live_sent = [e for e in w.meta.accepted_events(pixel_id=setuputil.PIXEL) if e.event_id != test["event_id"]]
        assert len(live_sent) == 1 and live_sent[0].test_event_code is None

        # the provisioned pieces, as the reference orders them
        assert w.cf.cname_targets(setuputil.DOMAIN) == [step(report, "provision_stape")["result"]["cname_target"]]
        assert len(w.gtm.containers(setuputil.GTM_ACCOUNT)) == 2, "one server and one web container"
        export = w.call("GET", f"/sessions/{sid}/gtm-web-export", token).json()
        assert export["exportFormatVersion"] == 2
        [tag] = export["containerVersion"]["tag"]
        assert created["collector_key"] in json.dumps(tag), "the container's tag is the landing snippet"

        secrets = (setuputil.META_TOKEN, setuputil.PP_TOKEN, setuputil.CF_TOKEN)
        everything = json.dumps([created, report, w.call("GET", f"/sessions/{sid}/snippet", token).json()])
        assert not any(s in everything for s in secrets)
        with psycopg.connect(dsn) as conn:
            stored = conn.execute("select string_agg(encode(ciphertext, 'escape'), '') from app.secrets"
                                  " where company_id = %s", (created["company_id"],)).fetchone()[0]
        assert not any(s in stored for s in secrets), "secrets are stored encrypted"
