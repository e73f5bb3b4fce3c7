"""Every step looks for what exists (by name) before it creates: re-running a completed session, every
step of it, creates nothing new at any provider and no new snippet version."""

from __future__ import annotations

import psycopg

from tests import setuputil
from tests.setuputil import step


def provider_objects(w) -> dict:
    return {"gtm_containers": sorted(c["containerId"] for c in w.gtm.containers(setuputil.GTM_ACCOUNT)),
            "stape_containers": sorted(c["identifier"] for c in w.stape.containers()),
            "dns_records": sorted(r["id"] for r in w.cf.records()),
            "meta_events": len(w.meta.accepted_events())}


def test_a_second_run_of_every_step_creates_nothing(dsn):
    with setuputil.world(dsn) as w:
        token = w.user_token()
        sid = w.call("POST", "/sessions", token, json=w.fields()).json()["session_id"]
        w.wait(sid, token, lambda s: step(s, "render_snippet")["status"] == "succeeded")
        w.install_snippet(sid, token)
        w.call("POST", f"/sessions/{sid}/validate", token)
        first = w.wait(sid, token, lambda s: s["status"] == "event_received")
        before = provider_objects(w)
        assert len(before["gtm_containers"]) == 2 and len(before["stape_containers"]) == 1
        assert len(before["dns_records"]) == 1 and before["meta_events"] == 1

        rerun = w.call("POST", f"/sessions/{sid}/validate", token, json={"all": True}).json()["rerun"]
        assert len(rerun) == 11
        second = w.wait(sid, token, lambda s: s["status"] == "event_received"
                        and all(x["attempts"] >= 1 and x["started_at"] > first["event_received_at"]
                                for x in s["steps"]))
        after = provider_objects(w)
        assert after["gtm_containers"] == before["gtm_containers"]
        assert after["stape_containers"] == before["stape_containers"]
        assert after["dns_records"] == before["dns_records"]
        # the test postback is the same sale: deduplicated, not sent to Meta twice
        assert after["meta_events"] == 1
        assert step(second, "test_event")["result"]["event_id"] == step(first, "test_event")["result"]["event_id"]
        for name in ("provision_gtm_server", "provision_gtm_web", "provision_stape"):
            assert step(second, name)["result"].get("created") in (False, None), name
        with psycopg.connect(dsn) as conn:
            versions = conn.execute("select kind, count(*) from setup.renders group by kind order by kind").fetchall()
        assert versions == [("gtm_web_export", 1), ("landing_snippet", 1), ("webhook_instructions", 1)]
