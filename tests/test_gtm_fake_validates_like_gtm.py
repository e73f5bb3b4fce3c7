"""The GTM fake answers what `googleapiclient.discovery.build("tagmanager", "v2")` sends, like GTM API v2
(provisioning.md §3): Google JSON errors (401 for an unknown token, 403 for an account the service
account is not a user of, 404 for a missing account, 400 for unknown fields, bad enums, missing names or
parameters, duplicate container names), publicId/fingerprint on containers, `:snippet` giving a server
container a 64-255 char config, fingerprint-guarded updates, paginated lists that omit empty keys,
`create_version` with `compilerError` for a tag on a missing trigger or an undefined variable, publish
and `versions:live`, and a 429 RESOURCE_EXHAUSTED that googleapiclient itself treats as retryable."""

from __future__ import annotations

import base64
import json
import re

import httpx
import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from fakes.base import serve
from fakes.gtm import ALL_PAGES, GtmFake

ACCOUNT, TOKEN = "6000000001", "ya29.sa-token"


@pytest.fixture(scope="module")
def gtm():
    fake = GtmFake(page_size=2)
    fake.add_account(ACCOUNT)
    fake.add_account("6000000002")
    fake.add_token(TOKEN, ACCOUNT)
    with serve(fake.app) as server:
        service = build("tagmanager", "v2", credentials=Credentials(TOKEN), static_discovery=True,
                        cache_discovery=False, client_options={"api_endpoint": server.url + "/"})
        yield fake, service, server.url


def status_of(call) -> tuple[int, str, str]:
    with pytest.raises(HttpError) as caught:
        call.execute()
    error = json.loads(caught.value.content)["error"]
    assert set(error) >= {"code", "message", "errors", "status"} and error["errors"][0]["domain"] == "global"
    return caught.value.status_code, error["status"], error["message"]


def test_auth_is_checked_per_token_and_account(gtm):
    fake, service, url = gtm
    resp = httpx.get(f"{url}/tagmanager/v2/accounts/{ACCOUNT}", headers={"authorization": "Bearer unknown"})
    assert (resp.status_code, resp.json()["error"]["status"]) == (401, "UNAUTHENTICATED")
    assert httpx.get(f"{url}/tagmanager/v2/accounts").status_code == 401
    accounts = service.accounts()
    assert status_of(accounts.get(path="accounts/6000000002"))[:2] == (403, "PERMISSION_DENIED")
    assert status_of(accounts.get(path="accounts/999"))[:2] == (404, "NOT_FOUND")
    assert [a["accountId"] for a in accounts.list().execute()["account"]] == [ACCOUNT]


def test_containers_are_validated_and_snippets_hold_the_config(gtm):
    fake, service, _ = gtm
    containers = service.accounts().containers()
    parent = f"accounts/{ACCOUNT}"
    assert containers.list(parent=parent).execute() == {}  # an empty list is omitted
    for body in ({"name": "x"}, {"usageContext": ["web"]}, {"name": "x", "usageContext": ["desktop"]},
                 {"name": "x", "usageContext": ["web"], "color": "red"},
                 {"name": "x", "usageContext": ["web"], "taggingServerUrls": ["https://t.example.com"]}):
        assert status_of(containers.create(parent=parent, body=body))[:2] == (400, "INVALID_ARGUMENT"), body
    assert "Unknown name \"color\"" in status_of(containers.create(parent=parent, body={
        "name": "x", "usageContext": ["web"], "color": "red"}))[2]

    server = containers.create(parent=parent, body={"name": "t server", "usageContext": ["server"]}).execute()
    web = containers.create(parent=parent, body={"name": "t web", "usageContext": ["web"]}).execute()
    assert re.fullmatch(r"GTM-[A-Z0-9]{7}", server["publicId"]) and server["fingerprint"]
    assert server["path"] == f"accounts/{ACCOUNT}/containers/{server['containerId']}"
    assert status_of(containers.create(parent=parent, body={"name": "t web", "usageContext": ["web"]}))[0] == 400
    containers.create(parent=parent, body={"name": "third", "usageContext": ["web"]}).execute()
    first = containers.list(parent=parent).execute()
    assert len(first["container"]) == 2 and first["nextPageToken"]
    rest = containers.list(parent=parent, pageToken=first["nextPageToken"]).execute()
    assert len(rest["container"]) == 1 and "nextPageToken" not in rest

    config = containers.snippet(path=server["path"]).execute()["containerConfig"]
    assert 64 <= len(config) <= 255 and f"id={server['publicId']}&" in base64.b64decode(config).decode()
    assert web["publicId"] in containers.snippet(path=web["path"]).execute()["snippet"]

    update = {"name": "t server", "usageContext": ["server"]}
    assert status_of(containers.update(path=server["path"], fingerprint="1",
                                       body={**update, "taggingServerUrls": ["https://t.customer.com"]}))[0] == 400
    assert status_of(containers.update(path=server["path"], fingerprint=server["fingerprint"],
                                       body={**update, "taggingServerUrls": ["http://t.customer.com"]}))[0] == 400
    updated = containers.update(path=server["path"], fingerprint=server["fingerprint"],
                                body={**update, "taggingServerUrls": ["https://t.customer.com"]}).execute()
    assert updated["taggingServerUrls"] == ["https://t.customer.com"]
    assert updated["fingerprint"] != server["fingerprint"]


def test_entities_compile_before_they_publish(gtm):
    fake, service, _ = gtm
    containers = service.accounts().containers()
    container = containers.create(parent=f"accounts/{ACCOUNT}", body={"name": "w", "usageContext": ["web"]}).execute()
    ws = containers.workspaces().list(parent=container["path"]).execute()["workspace"][0]["path"]
    wss = containers.workspaces()
    assert wss.tags().list(parent=ws).execute() == {}
    bad = [
        (wss.variables(), {"name": "v", "type": "c"}),  # a constant without its value
        (wss.variables(), {"name": "v", "type": "c", "parameter": [{"key": "value", "value": "x"}]}),  # no type
        (wss.variables(), {"name": "v", "type": "c", "parameter": [{"type": "text", "key": "value"}]}),
        (wss.triggers(), {"name": "t", "type": "customEvent"}),
        (wss.triggers(), {"name": "t", "type": "teleport"}),
        (wss.tags(), {"name": "h", "type": "html", "parameter": []}),
        (wss.tags(), {"type": "html", "parameter": [{"type": "template", "key": "html", "value": "<b>"}]}),
        (wss.tags(), {"name": "h", "type": "html", "firingTriggerId": ["abc"],
                      "parameter": [{"type": "template", "key": "html", "value": "<b>"}]}),
    ]
    for resource, body in bad:
        assert status_of(resource.create(parent=ws, body=body))[0] == 400, body

    def html(value: str) -> list[dict]:
        return [{"type": "template", "key": "html", "value": value}]

    orphan = wss.tags().create(parent=ws, body={"name": "orphan", "type": "html", "parameter": html("<b>"),
                                                "firingTriggerId": ["99"]}).execute()
    assert wss.create_version(path=ws, body={"name": "v"}).execute() == {"compilerError": True}
    trigger = wss.triggers().create(parent=ws, body={"name": "lead", "type": "customEvent", "customEventFilter": [
        {"type": "equals", "parameter": [{"type": "template", "key": "arg0", "value": "{{_event}}"},
                                         {"type": "template", "key": "arg1", "value": "lead"}]}]}).execute()
    wss.tags().update(path=orphan["path"], fingerprint=orphan["fingerprint"], body={
        "name": "orphan", "type": "html", "parameter": html("<b>{{Missing}}</b>"),
        "firingTriggerId": [trigger["triggerId"], ALL_PAGES]}).execute()
    assert wss.create_version(path=ws, body={}).execute().get("compilerError") is True
    wss.variables().create(parent=ws, body={"name": "Missing", "type": "c", "parameter": [
        {"type": "template", "key": "value", "value": "x"}]}).execute()
    assert status_of(wss.variables().create(parent=ws, body={"name": "Missing", "type": "c", "parameter": [
        {"type": "template", "key": "value", "value": "y"}]}))[0] == 400  # duplicate name

    assert status_of(containers.versions().live(parent=container["path"]))[0] == 404
    made = wss.create_version(path=ws, body={"name": "v1"}).execute()
    assert "compilerError" not in made and made["newWorkspacePath"] != ws
    version = made["containerVersion"]
    assert [t["name"] for t in version["tag"]] == ["orphan"] and len(version["variable"]) == 1
    assert status_of(wss.get(path=ws))[0] == 404  # create_version replaced the workspace
    containers.versions().publish(path=version["path"], fingerprint=version["fingerprint"]).execute()
    assert containers.versions().live(parent=container["path"]).execute()["containerVersionId"] == \
        version["containerVersionId"]
    new_tags = wss.tags().list(parent=made["newWorkspacePath"]).execute()["tag"]
    assert [t["name"] for t in new_tags] == ["orphan"]


def test_rate_limits_are_429_resource_exhausted(gtm):
    fake, service, _ = gtm
    fake.fail_next(1, "rate_limited", retry_after=0)
    code, status, _ = status_of(service.accounts().list())
    assert (code, status) == (429, "RESOURCE_EXHAUSTED")
    fake.fail_next(1, "rate_limited", retry_after=0)
    with pytest.raises(HttpError) as caught:
        service.accounts().list().execute()
    details = json.loads(caught.value.content)["error"]["details"]
    assert details[0]["reason"] == "RATE_LIMIT_EXCEEDED"
    fake.fail_next(1, "rate_limited", retry_after=0)
    assert service.accounts().list().execute(num_retries=1)["account"]  # googleapiclient retries it
