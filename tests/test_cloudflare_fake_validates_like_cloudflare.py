"""The Cloudflare fake answers like API v4 (provisioning.md §1): the v4 envelope, Bearer tokens scoped to
zones (an unseen zone is absent from `GET /zones?name=`, 403 10000 on its records), the observed
error codes for bad headers (6003/6111), bad tokens (9109), bad records (1004 + chain) and conflicts
(81053/81054/81057), pagination that ends with an empty page, and 429 971 with Retry-After; and the
official SDK works against it, auto-pagination included."""

from __future__ import annotations

import cloudflare
import httpx
import pytest

from fakes.base import serve
from fakes.cloudflare import CloudflareFake

TOKEN, OTHER_TOKEN = "token-customer", "token-other"


@pytest.fixture(scope="module")
def cf():
    fake = CloudflareFake()
    zone_id = fake.add_zone("customer.com", TOKEN)
    other_id = fake.add_zone("other.com", OTHER_TOKEN)
    with serve(fake.app) as server:
        api = httpx.Client(base_url=server.url + "/client/v4", headers={"authorization": f"Bearer {TOKEN}"})
        sdk = cloudflare.Cloudflare(api_token=TOKEN, base_url=server.url + "/client/v4", max_retries=0)
        sdk.api_key = sdk.api_email = None  # an ambient CLOUDFLARE_API_KEY must not replace the token
        yield fake, api, sdk, zone_id, other_id


def first_error(resp: httpx.Response) -> tuple[int, int, list[int]]:
    body = resp.json()
    assert body["success"] is False and body["result"] is None and body["messages"] == []
    err = body["errors"][0]
    return resp.status_code, err["code"], [c["code"] for c in err.get("error_chain", [])]


def test_tokens_see_only_their_zones(cf):
    fake, api, sdk, zone_id, other_id = cf
    assert [z.id for z in sdk.zones.list(name="customer.com")] == [zone_id]
    assert list(sdk.zones.list(name="other.com")) == []
    resp = api.get("/zones", params={"name": "customer.com"})
    assert resp.json()["result_info"] == {"page": 1, "per_page": 20, "count": 1, "total_count": 1, "total_pages": 1}
    assert first_error(api.get(f"/zones/{other_id}/dns_records")) == (403, 10000, [])
    assert first_error(api.get("/zones/0123456789abcdef0123456789abcdef/dns_records"))[:2] == (404, 7003)
    assert first_error(api.get("/zones", headers={"authorization": "Bearer nope"})) == (401, 9109, [])
    assert first_error(api.get("/zones", headers={"authorization": "Token x"})) == (400, 6003, [6111])
    assert first_error(api.get("/nowhere")) == (404, 7003, [])


def test_records_are_validated_like_cloudflare(cf):
    fake, api, sdk, zone_id, _ = cf
    url = f"/zones/{zone_id}/dns_records"
    ok = {"type": "CNAME", "name": "a.customer.com", "content": "abc.eu.stape.io", "ttl": 1, "proxied": False}
    cases = [
        ({**ok, "type": "BOGUS"}, [9020]),
        ({**ok, "content": "not a host!"}, [9007]),
        ({**ok, "content": "a.customer.com"}, [9007]),  # a CNAME to itself
        ({**ok, "ttl": 5}, [9021]),
        ({**ok, "ttl": "1"}, [9021]),
        ({**ok, "proxied": "false"}, [9003]),
        ({**ok, "type": "TXT", "content": "hello", "proxied": True}, [9003]),
        ({**ok, "type": "A", "content": "999.1.1.1"}, [9005]),
        ({**ok, "name": "bad..name"}, [9000]),
        ({k: v for k, v in ok.items() if k != "content"}, [9007]),
    ]
    for body, chain in cases:
        assert first_error(api.post(url, json=body)) == (400, 1004, chain), body
    assert first_error(api.post(url, content=b"{not json", headers={"content-type": "application/json"}))[:2] == \
        (400, 9207)
    assert fake.records(zone_id) == []

    created = api.post(url, json={**ok, "name": "a"})  # a relative name is completed with the zone
    body = created.json()
    assert created.status_code == 200 and body["success"] is True and body["errors"] == []
    record = body["result"]
    assert (record["name"], record["type"], record["content"], record["ttl"], record["proxied"],
            record["proxiable"]) == ("a.customer.com", "CNAME", "abc.eu.stape.io", 1, False, True)

    assert first_error(api.post(url, json=ok)) == (400, 81057, [])
    assert first_error(api.post(url, json={**ok, "content": "other.eu.stape.io"})) == (400, 81053, [])
    assert first_error(api.post(url, json={**ok, "type": "A", "content": "192.0.2.1"})) == (400, 81054, [])
    api.post(url, json={**ok, "name": "b.customer.com", "type": "A", "content": "192.0.2.1"})
    assert first_error(api.post(url, json={**ok, "name": "b.customer.com"})) == (400, 81053, [])

    patched = api.patch(f"{url}/{record['id']}", json={"content": "new.eu.stape.io"}).json()["result"]
    assert (patched["content"], patched["name"], patched["ttl"]) == ("new.eu.stape.io", "a.customer.com", 1)
    assert first_error(api.put(f"{url}/{record['id']}", json={"type": "CNAME", "name": "a", "ttl": 1}))[:2] == \
        (400, 1004)
    assert first_error(api.patch(f"{url}/0000", json={"content": "x.io"}))[:2] == (404, 81044)


def test_lists_filter_and_paginate_like_cloudflare(cf):
    fake, api, sdk, zone_id, _ = cf
    for i in range(7):
        sdk.dns.records.create(zone_id=zone_id, type="CNAME", name=f"p{i}.customer.com", content="t.eu.stape.io",
                               ttl=1, proxied=False)
    sdk.dns.records.create(zone_id=zone_id, type="TXT", name="p1.customer.com", content="v=verify", ttl=1)
    url = f"/zones/{zone_id}/dns_records"
    page = api.get(url, params={"name.startswith": "p", "per_page": 5}).json()
    assert (len(page["result"]), page["result_info"]["total_count"], page["result_info"]["total_pages"]) == (5, 8, 2)
    past = api.get(url, params={"name.startswith": "p", "per_page": 5, "page": 3}).json()
    assert past["success"] is True and past["result"] == []  # the SDK stops on an empty page
    assert len([r for r in sdk.dns.records.list(zone_id=zone_id, per_page=5) if r.name.startswith("p")]) == 8
    exact = list(sdk.dns.records.list(zone_id=zone_id, name={"exact": "p1.customer.com"}))
    assert sorted(r.type for r in exact) == ["CNAME", "TXT"]
    assert [r.type for r in sdk.dns.records.list(zone_id=zone_id, name={"exact": "p1.customer.com"},
                                                 type="TXT")] == ["TXT"]
    legacy = api.get(url, params={"name": "p1.customer.com", "type": "CNAME"}).json()["result"]
    assert [r["content"] for r in legacy] == ["t.eu.stape.io"]


def test_sdk_exceptions_carry_the_envelope_and_rate_limits_say_when_to_retry(cf):
    fake, api, sdk, zone_id, _ = cf
    with pytest.raises(cloudflare.BadRequestError) as bad:
        sdk.dns.records.create(zone_id=zone_id, type="CNAME", name="x.customer.com", content="-bad-", ttl=1)
    assert bad.value.body["errors"][0]["code"] == 1004
    fake.fail_next(1, "rate_limited", retry_after=7)
    with pytest.raises(cloudflare.RateLimitError) as limited:
        sdk.zones.list(name="customer.com")
    assert limited.value.response.headers["retry-after"] == "7"
    assert limited.value.body["errors"][0]["code"] == 971
    assert fake.requests()[-1]["status"] == 429
