"""The importable web container (exportFormatVersion 2, enums in SCREAMING_SNAKE as the GTM UI writes
them) describes the same container the API path builds: recreated in the GTM fake by the import recipe
(lower-camel enums, server fields and ids stripped, trigger ids remapped) it compiles and publishes, and
ensure_web_container then finds every entity as it wants it and writes nothing."""

from __future__ import annotations

import re

from tests import provisioningutil as pu

SERVER_FIELDS = {"accountId", "containerId", "variableId", "triggerId", "tagId", "path", "fingerprint",
                 "tagManagerUrl", "workspaceId"}


def camel(value: str) -> str:
    first, *rest = value.lower().split("_")
    return first + "".join(part.title() for part in rest)


def imported(entity: dict) -> dict:
    out = {k: v for k, v in entity.items() if k not in SERVER_FIELDS}
    if "parameter" in out:
        out["parameter"] = [{**p, "type": camel(p["type"])} for p in out["parameter"]]
    for key in ("tagFiringOption",) + (("type",) if "triggerId" in entity else ()):
        if key in out:
            out[key] = camel(out[key])
    return out


async def test_the_export_recreates_the_container_the_api_builds():
    with pu.running() as p:
        gtm = p.gtm_client()
        name = "trackai-t1 web"
        export = gtm.web_container_export(name, pu.PIXEL_ID, pu.COLLECTOR_URL, pu.SERVER_URL)
        version = export["containerVersion"]
        assert export["exportFormatVersion"] == 2 and version["container"]["usageContext"] == ["WEB"]
        assert [t["type"] for t in version["trigger"]] == ["PAGEVIEW"]
        tag = version["tag"][0]
        assert tag["tagFiringOption"] == "ONCE_PER_EVENT"
        assert tag["firingTriggerId"] == [version["trigger"][0]["triggerId"]]
        assert {param["type"] for param in tag["parameter"]} == {"TEMPLATE", "BOOLEAN"}
        refs = set(re.findall(r"\{\{([^}]+)\}\}", tag["parameter"][0]["value"]))
        assert refs == {v["name"] for v in version["variable"]}

        service = p.gtm_service().accounts().containers()
        container = service.create(parent=f"accounts/{pu.GTM_ACCOUNT}",
                                   body={"name": name, "usageContext": ["web"]}).execute()
        ws = service.workspaces().list(parent=container["path"]).execute()["workspace"][0]["path"]
        wss = service.workspaces()
        for variable in version["variable"]:
            wss.variables().create(parent=ws, body=imported(variable)).execute()
        trigger_ids = {t["triggerId"]: wss.triggers().create(parent=ws, body=imported(t)).execute()["triggerId"]
                       for t in version["trigger"]}
        for t in version["tag"]:
            body = {**imported(t), "firingTriggerId": [trigger_ids[i] for i in t["firingTriggerId"]]}
            wss.tags().create(parent=ws, body=body).execute()
        made = wss.create_version(path=ws, body={"name": "import"}).execute()
        assert "compilerError" not in made
        service.versions().publish(path=made["containerVersion"]["path"]).execute()

        before = p.gtm.created.copy()
        result = await gtm.ensure_web_container(name, pu.PIXEL_ID, pu.COLLECTOR_URL, pu.SERVER_URL)
        assert not result["created"] and result["version_id"] == made["containerVersion"]["containerVersionId"]
        assert p.gtm.created == before
