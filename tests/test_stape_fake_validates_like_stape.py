"""The Stape fake answers like Stape API v2 (provisioning.md §2): `X-AUTH-TOKEN` or 401 in the `error`
shape, `{"body": ...}` envelopes, field errors as `{"body": {"errors": {field: [...]}}}` (name, code of
64..255 chars and a known zone required), containers that are Deploying then Running after the deploy
delay (or stay Deploying while stuck, or end Failed), per-key visibility, the status and zone
vocabularies, custom domains (cdnType required, 409 on a taken name, PUT 410) and 429 with Retry-After."""

from __future__ import annotations

import httpx
import pytest

from fakes.base import serve
from fakes.stape import StapeFake

KEY = "stape-key"
CODE = "aWQ9R1RNLUFCQ0RFRkcmZW52PTEmYXV0aD1zZXJ2ZXJjb250YWluZXJhdXRodG9rZW4xMjM0NTY3OA=="


@pytest.fixture(scope="module")
def stape():
    now = [1_800_000_000.0]
    fake = StapeFake(deploy_delay_s=30, clock=lambda: now[0])
    fake.add_api_key(KEY)
    fake.add_api_key("someone-else")
    with serve(fake.app) as server, \
            httpx.Client(base_url=server.url + "/api/v2", headers={"X-AUTH-TOKEN": KEY}) as api:
        yield fake, api, now


def create(api: httpx.Client, name: str = "tenant", **extra) -> httpx.Response:
    return api.post("/containers", json={"name": name, "code": CODE, "zone": {"type": "eu"}, **extra})


def test_the_api_key_is_required(stape):
    fake, api, _ = stape
    for headers in ({"X-AUTH-TOKEN": ""}, {"X-AUTH-TOKEN": "wrong"}):
        resp = api.get("/containers", headers=headers)
        error = resp.json()["error"]
        assert resp.status_code == 401 and error["code"] == 401 and error["message"] == "Unauthorized"
        assert set(error) == {"code", "message", "description", "error"}


def test_containers_are_validated_and_progress_to_running(stape):
    fake, api, now = stape
    cases = [
        ({}, {"name", "code", "zone"}),
        ({"name": "t", "code": CODE[:63], "zone": {"type": "eu"}}, {"code"}),
        ({"name": "t", "code": "x" * 256, "zone": {"type": "eu"}}, {"code"}),
        ({"name": "  ", "code": CODE, "zone": {"type": "mars"}}, {"name", "zone.type"}),
    ]
    for body, fields in cases:
        resp = api.post("/containers", json=body)
        assert resp.status_code == 400 and set(resp.json()["body"]["errors"]) == fields, body
    assert "64 characters or more" in api.post("/containers", json=cases[1][0]).json()["body"]["errors"]["code"][0]
    assert api.post("/containers", content=b"[", headers={"content-type": "application/json"}).status_code == 400
    assert fake.containers() == []

    made = create(api)
    assert made.status_code == 201
    container = made.json()["body"]
    ident = container["identifier"]
    assert container["status"] == {"type": "deploying", "label": "Deploying"}
    assert container["stapeDomain"] == f"{ident}.eu.stape.io" and container["code"] == CODE
    now[0] += 29
    assert api.get(f"/containers/{ident}").json()["body"]["status"]["label"] == "Deploying"
    now[0] += 1
    assert api.get(f"/containers/{ident}").json()["body"]["status"]["label"] == "Running"

    listed = api.get("/containers", params={"page": 1, "limit": 10}).json()["body"]
    assert (listed["page"], listed["perPage"], listed["total"]) == (1, 10, 1)
    assert [c["identifier"] for c in listed["items"]] == [ident]
    other = api.get(f"/containers/{ident}", headers={"X-AUTH-TOKEN": "someone-else"})
    assert other.status_code == 404 and other.json()["error"]["code"] == 404
    assert api.get("/containers", headers={"X-AUTH-TOKEN": "someone-else"}).json()["body"]["items"] == []


def test_stuck_and_failed_containers(stape):
    fake, api, now = stape
    fake.stick_containers()
    stuck = create(api, "stuck").json()["body"]["identifier"]
    now[0] += 3600
    assert api.get(f"/containers/{stuck}").json()["body"]["status"]["label"] == "Deploying"
    fake.stick_containers(False)
    assert api.get(f"/containers/{stuck}").json()["body"]["status"]["label"] == "Running"
    failing = create(api, "failing").json()["body"]["identifier"]
    fake.fail_containers()
    assert api.get(f"/containers/{failing}").json()["body"]["status"] == {"type": "failed", "label": "Failed"}
    assert api.get(f"/containers/{stuck}").json()["body"]["status"]["label"] == "Running"


def test_resources_list_the_vocabularies(stape):
    _, api, _ = stape
    zones = api.get("/resources/container-zones").json()["body"]
    assert {"type", "label", "ip", "defaultDomain", "loadDomain"} <= set(zones[0])
    assert "eu" in {z["type"] for z in zones}
    labels = [s["label"] for s in api.get("/resources/container-statuses").json()["body"]]
    assert len(labels) == 10 and "Running" in labels
    assert "Ready" in [s["label"] for s in api.get("/resources/domain-statuses").json()["body"]]
    assert api.get("/resources/nothing").status_code == 404


def test_domains_are_validated_and_wait_for_revalidation(stape):
    fake, api, _ = stape
    ident = create(api, "with-domain").json()["body"]["identifier"]
    url = f"/containers/{ident}/domains"
    ok = {"name": "track.customer.com", "cdnType": "none", "connectionType": "stape", "useCnameRecord": True}
    for body, field in (({**ok, "cdnType": None}, "cdnType"), ({**ok, "cdnType": "akamai"}, "cdnType"),
                        ({**ok, "name": "not a domain"}, "name"), ({**ok, "name": ""}, "name"),
                        ({**ok, "useCnameRecord": "yes"}, "useCnameRecord")):
        resp = api.post(url, json=body)
        assert resp.status_code == 400 and field in resp.json()["body"]["errors"], body
    made = api.post(url, json=ok)
    assert made.status_code == 201
    domain = made.json()["body"]
    assert domain["status"] == {"type": "pending", "label": "Pending"}
    assert domain["records"] == [{"type": {"type": "cname", "label": "CNAME"}, "host": "track.customer.com",
                                  "value": f"{ident}.eu.stape.io"}]
    assert api.post(url, json=ok).status_code == 409
    assert api.get(url).json()["body"]["items"] == [domain]
    again = api.post(f"{url}/{domain['identifier']}/revalidate").json()["body"]
    assert again["status"]["label"] == "Pending" and again["error"]["type"] == "dns_record_not_found"
    assert again["verificationCount"] == 1
    assert api.put(f"{url}/{domain['identifier']}", json=ok).status_code == 410
    assert api.get(f"{url}/nope").status_code == 404


def test_rate_limits_say_when_to_retry(stape):
    fake, api, _ = stape
    fake.fail_next(1, "rate_limited", retry_after=3)
    resp = api.get("/containers")
    assert resp.status_code == 429 and resp.headers["retry-after"] == "3" and resp.json()["error"]["code"] == 429
    assert api.get("/containers").status_code == 200
