"""Every ensure_* of the provisioning clients looks for what exists by name before it creates: running the
whole provisioning a second time (in the reference's order: GTM server container -> Stape container ->
Stape domain -> Cloudflare CNAME -> Stape verifies; GTM web container) creates, updates and publishes
nothing new, as counted at the fakes, and returns the same identifiers. A CNAME the customer already
has with another target is updated in place, and one another run creates between our list and our
create is found, never duplicated."""

from __future__ import annotations

from collections import Counter

from jobs.providers import cloudflare
from tests import provisioningutil as pu


async def provision(p: pu.Providers) -> dict:
    gtm, stape, cf = p.gtm_client(), p.stape_client(), p.cloudflare()
    await gtm.check_access()
    server = await gtm.ensure_server_container("trackai-t1 server", pu.SERVER_URL)
    container = await stape.ensure_container("trackai-t1", server["container_config"], "eu")
    await stape.wait_running(container["identifier"], timeout_s=5, interval_s=0.05)
    domain = await stape.ensure_domain(container["identifier"], pu.HOST)
    zone_id = await cloudflare.find_zone(cf, pu.HOST)
    record = await cloudflare.ensure_cname(cf, zone_id, domain["cname_host"], domain["cname_target"])
    ready = await stape.wait_domain_ready(container["identifier"], domain["identifier"], timeout_s=5, interval_s=0.05)
    web = await gtm.ensure_web_container("trackai-t1 web", pu.PIXEL_ID, pu.COLLECTOR_URL, pu.SERVER_URL)
    return {"server": server, "container": container, "domain": domain, "record": record, "ready": ready,
            "web": web}


def counts(p: pu.Providers) -> dict:
    return {"cf": dict(p.cf.created), "stape": dict(p.stape.created), "gtm": dict(p.gtm.created),
            "records": p.cf.records(p.zone_id)}


async def test_a_second_run_creates_nothing_new():
    with pu.running() as p:
        first = await provision(p)
        assert all(first[k]["created"] for k in ("server", "container", "domain", "record", "web"))
        assert first["ready"]["status"] == "ready"
        after_first = counts(p)
        assert after_first["gtm"] == {"container": 2, "container_update": 1, "version": 2, "publish": 2,
                                      "variable": 2, "trigger": 1, "tag": 1}
        assert after_first["stape"] == {"container": 1, "domain": 1} and after_first["cf"] == {"dns_record": 1}

        second = await provision(p)
        assert counts(p) == after_first
        assert not any(second[k]["created"] for k in ("server", "container", "domain", "record", "web"))
        assert not second["record"]["updated"]
        for key, ident in (("server", "container_id"), ("web", "container_id"), ("web", "version_id"),
                           ("server", "container_config"), ("container", "identifier"),
                           ("domain", "identifier"), ("record", "record_id")):
            assert second[key][ident] == first[key][ident], (key, ident)
        live = p.gtm.live_version(first["web"]["container_id"])
        assert [t["name"] for t in live["tag"]] == ["Track AI - Meta Pixel"]
        assert pu.PIXEL_ID in live["tag"][0]["parameter"][0]["value"]


async def test_an_existing_cname_is_updated_in_place():
    with pu.running() as p:
        stale = p.cf.add_record(p.zone_id, "CNAME", pu.HOST, "old-host.example.net")
        cf = p.cloudflare()
        made = await cloudflare.ensure_cname(cf, p.zone_id, pu.HOST, "abcdefgh.eu.stape.io.")
        assert made == {"record_id": stale["id"], "created": False, "updated": True}
        again = await cloudflare.ensure_cname(cf, p.zone_id, pu.HOST.upper(), "ABCDEFGH.eu.stape.io")
        assert again == {"record_id": stale["id"], "created": False, "updated": False}
        records = p.cf.records(p.zone_id)
        assert [(r["content"], r["proxied"], r["ttl"]) for r in records] == [("abcdefgh.eu.stape.io", False, 1)]
        assert p.cf.created["dns_record"] == 0


async def test_a_change_left_unpublished_is_published_by_the_next_run():
    with pu.running() as p:
        gtm = p.gtm_client()
        first = await gtm.ensure_web_container("w", pu.PIXEL_ID, pu.COLLECTOR_URL, pu.SERVER_URL)
        # a run that died after writing the workspace, before publishing: the workspace already holds
        # the wanted URL, the live version does not
        wss = p.gtm_service().accounts().containers().workspaces()
        ws = wss.list(
            parent=f"accounts/{pu.GTM_ACCOUNT}/containers/{first['container_id']}").execute()["workspace"][0]
        variable = next(v for v in wss.variables().list(parent=ws["path"]).execute()["variable"]
                        if v["name"] == "Track AI - sGTM URL")
        wss.variables().update(path=variable["path"], fingerprint=variable["fingerprint"], body={
            "name": variable["name"], "type": "c",
            "parameter": [{"type": "template", "key": "value", "value": "https://other.customer.com"}]}).execute()
        before = p.gtm.created.copy()
        second = await gtm.ensure_web_container("w", pu.PIXEL_ID, pu.COLLECTOR_URL, "https://other.customer.com")
        assert second["version_id"] != first["version_id"] and not second["created"]
        assert p.gtm.created - before == Counter(version=1, publish=1)  # nothing else written
        live = p.gtm.live_version(first["container_id"])
        values = {v["name"]: v["parameter"][0]["value"] for v in live["variable"]}
        assert values["Track AI - sGTM URL"] == "https://other.customer.com"


async def test_a_cname_created_between_our_list_and_our_create_is_found_not_duplicated(monkeypatch):
    with pu.running() as p:
        target = "abcdefgh.eu.stape.io"
        theirs = p.cf.add_record(p.zone_id, "CNAME", pu.HOST, target)  # another worker won the race
        listed = cloudflare._records
        calls = []

        async def stale_first_list(*args):
            calls.append(args)
            return [] if len(calls) == 1 else await listed(*args)

        monkeypatch.setattr(cloudflare, "_records", stale_first_list)
        made = await cloudflare.ensure_cname(p.cloudflare(), p.zone_id, pu.HOST, target)
        assert made == {"record_id": theirs["id"], "created": False, "updated": False} and len(calls) == 2
        assert [r["id"] for r in p.cf.records(p.zone_id)] == [theirs["id"]]
        assert [r["status"] for r in p.cf.requests() if r["method"] == "POST"] == [400]  # refused: 81057
