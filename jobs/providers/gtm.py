"""Google Tag Manager API v2 through `googleapiclient` + `google-auth` (provisioning.md §3).

Track AI's own GTM account: a Google Cloud service account (GTM_SERVICE_ACCOUNT_JSON, the JSON key
or a path to it) that was added as a user of the GTM account GTM_ACCOUNT_ID (Admin, with Publish on
containers) in the GTM UI — the API cannot create accounts or grant itself access. Its scopes are
SCOPES. Per tenant we make, found by name first: a server container (its config feeds Stape, its
taggingServerUrls point at the tenant's sGTM domain) and a web container (Constant variables for the
sGTM and collector URLs, an All Pages trigger, a Meta Pixel + collector Custom HTML tag), each
versioned (`compilerError` checked) and published only when something changed or the live version
lacks it. The sandbox has no Google: GTM_ACCESS_TOKEN (a bearer token the GTM fake accepts) stands in
for the service account there.

googleapiclient is synchronous and httplib2 is not thread-safe: each call runs in `asyncio.to_thread`
with a service object per thread. Every call (pages and retries included) first waits for the ONE
process-wide limiter of the API ("tagmanager", GTM_QPS, default 0.25 QPS: the per-project quota).
Tests pass `google.oauth2.credentials.Credentials("<token>")` and `api_url` of the local fake.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import google.auth.exceptions
import google.oauth2.credentials
import google_auth_httplib2
import httplib2
from google.oauth2 import service_account
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from jobs.providers import rate_limiter
from jobs.providers.errors import ProviderError, retry_after_s

SCOPES = ["https://www.googleapis.com/auth/tagmanager.readonly",
          "https://www.googleapis.com/auth/tagmanager.edit.containers",
          "https://www.googleapis.com/auth/tagmanager.edit.containerversions",
          "https://www.googleapis.com/auth/tagmanager.publish"]
QUOTA_REASONS = {"rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded", "dailyLimitExceeded"}
MAX_WAIT_S = 60.0
ALL_PAGES = "2147479553"
SERVER_URL_VARIABLE = "Track AI - sGTM URL"
COLLECTOR_URL_VARIABLE = "Track AI - Collector URL"
PAGEVIEW_TRIGGER = "Track AI - All Pages"
PIXEL_TAG = "Track AI - Meta Pixel"
_COLLECTIONS = {"variables": "variable", "triggers": "trigger", "tags": "tag"}

PIXEL_HTML = """<script>
!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?
n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;
n.version='2.0';n.queue=[];t=b.createElement(e);t.async=!0;t.src=v;s=b.getElementsByTagName(e)[0];
s.parentNode.insertBefore(t,s)}(window,document,'script','https://connect.facebook.net/en_US/fbevents.js');
(function(){
  var id = (window.crypto && crypto.randomUUID) ? crypto.randomUUID()
    : Date.now() + '.' + Math.random().toString(36).slice(2);
  fbq('init', '%(pixel_id)s');
  fbq('track', 'PageView', {}, {eventID: id});
  var body = JSON.stringify({event_id: id, event_name: 'PageView', event_source_url: location.href,
                             server_container_url: {{%(server_var)s}}});
  var url = {{%(collector_var)s}};
  if (!(navigator.sendBeacon && navigator.sendBeacon(url, body))) {
    fetch(url, {method: 'POST', body: body, keepalive: true, mode: 'no-cors'});
  }
})();
</script>"""


def credentials_from_service_account_json(value: str) -> service_account.Credentials:
    """GTM_SERVICE_ACCOUNT_JSON: the key JSON itself, or the path of the key file."""
    text = value if value.lstrip().startswith("{") else Path(value).read_text()
    return service_account.Credentials.from_service_account_info(json.loads(text), scopes=SCOPES)


def client_from_settings(settings: Any) -> GtmClient | None:
    """The process's GTM client, or None without GTM_ACCOUNT_ID and a credential: the service account
    key (GTM_SERVICE_ACCOUNT_JSON), or a ready access token (GTM_ACCESS_TOKEN: the sandbox's fake)."""
    if settings.gtm_service_account_json:
        credentials: Any = credentials_from_service_account_json(settings.gtm_service_account_json)
    elif settings.gtm_access_token:
        credentials = google.oauth2.credentials.Credentials(settings.gtm_access_token)
    else:
        return None
    if not settings.gtm_account_id:
        return None
    return GtmClient(credentials, settings.gtm_account_id, api_url=settings.gtm_api_url, qps=settings.gtm_qps)


def _constant(name: str, value: str) -> dict[str, Any]:
    return {"name": name, "type": "c", "parameter": [{"type": "template", "key": "value", "value": value}]}


def web_entities(pixel_id: str, collector_url: str, server_url: str,
                 tag_html: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """The web container's variables, trigger and tag (the tag's trigger id is filled in later).
    `tag_html` replaces the built-in Pixel + collector script (e.g. the rendered landing snippet)."""
    if not re.fullmatch(r"\d{5,20}", str(pixel_id)):
        raise ProviderError("gtm.invalid_request", "the pixel id must be digits")
    html = tag_html or PIXEL_HTML % {"pixel_id": pixel_id, "server_var": SERVER_URL_VARIABLE,
                                     "collector_var": COLLECTOR_URL_VARIABLE}
    return {
        "variables": [_constant(SERVER_URL_VARIABLE, server_url), _constant(COLLECTOR_URL_VARIABLE, collector_url)],
        "triggers": [{"name": PAGEVIEW_TRIGGER, "type": "pageview"}],
        "tags": [{"name": PIXEL_TAG, "type": "html", "tagFiringOption": "oncePerEvent",
                  "parameter": [{"type": "template", "key": "html", "value": html},
                                {"type": "boolean", "key": "supportDocumentWrite", "value": "false"}]}],
    }


def _screaming(value: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", value).upper()


def _matches(existing: dict[str, Any], wanted: dict[str, Any]) -> bool:
    return all(existing.get(k) == v for k, v in wanted.items())


class GtmClient:
    def __init__(self, credentials: Any, account_id: str, api_url: str | None = None, qps: float = 0.25, *,
                 retries: int = 2, backoff_s: float = 1.0, timeout_s: float = 60.0):
        self._credentials = credentials
        self.account_id = str(account_id)
        self.api_url = api_url
        self.limiter = rate_limiter("tagmanager", qps)
        self.retries = retries
        self.backoff_s = backoff_s
        self.timeout_s = timeout_s
        self._local = threading.local()

    @property
    def account_path(self) -> str:
        return f"accounts/{self.account_id}"

    def _service(self) -> Any:
        service = getattr(self._local, "service", None)
        if service is None:
            http = google_auth_httplib2.AuthorizedHttp(self._credentials, http=httplib2.Http(timeout=self.timeout_s))
            options = {"api_endpoint": self.api_url.rstrip("/") + "/"} if self.api_url else None
            service = build("tagmanager", "v2", http=http, client_options=options, static_discovery=True,
                            cache_discovery=False)
            self._local.service = service
        return service

    def _error(self, exc: HttpError, what: str, not_found: str) -> ProviderError:
        status = int(exc.resp.status)
        try:
            error = json.loads(exc.content).get("error", {})
        except (ValueError, AttributeError):
            error = {}
        reasons = {e.get("reason") for e in error.get("errors", []) if isinstance(e, dict)}
        message = f"GTM refused {what}: {error.get('message') or exc.reason or status}"
        if status == 429 or (status == 403 and reasons & QUOTA_REASONS):
            return ProviderError("gtm.rate_limited", message, status, retry_after_s(exc.resp.get("retry-after")))
        if status in (401, 403):
            return ProviderError("gtm.unauthorized", message + " (is the service account a user of GTM account "
                                 f"{self.account_id}?)", status)
        if status == 404:
            return ProviderError(not_found, message, status)
        if status >= 500:
            return ProviderError("gtm.unavailable", message, status)
        return ProviderError("gtm.invalid_request", message, status)

    async def _call(self, make: Callable[[Any], Any], what: str, *, not_found: str = "gtm.invalid_request",
                    read_only: bool = False) -> dict[str, Any]:
        """Run one API request: limiter, thread, retries (429 always, 5xx and network errors for reads),
        every failure a ProviderError."""
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            await self.limiter.acquire()
            try:
                return await asyncio.to_thread(lambda: make(self._service()).execute(num_retries=0))
            except HttpError as exc:
                err = self._error(exc, what, not_found)
                # a 429 was not executed; a 5xx write may have been, and the next run finds it by name
                if last or not (err.code == "gtm.rate_limited" or (err.code == "gtm.unavailable" and read_only)):
                    raise err from None
                await asyncio.sleep(min(err.retry_after if err.retry_after is not None
                                        else self.backoff_s * 2 ** attempt, MAX_WAIT_S))
            except google.auth.exceptions.RefreshError as exc:
                detail = exc.args[0] if exc.args else type(exc).__name__  # args[1] is the raw answer
                raise ProviderError("gtm.unauthorized", f"Google refused the service account key: {detail}") from None
            except TimeoutError:
                if last or not read_only:  # a write may have happened: the next run finds it by name
                    raise ProviderError("network.timeout", f"GTM did not answer in time ({what})") from None
                await asyncio.sleep(self.backoff_s * 2 ** attempt)
            except (OSError, httplib2.HttpLib2Error, google.auth.exceptions.TransportError) as exc:
                if last or not read_only:
                    raise ProviderError("network.unreachable",
                                        f"GTM could not be reached ({what}): {type(exc).__name__}") from None
                await asyncio.sleep(self.backoff_s * 2 ** attempt)
        raise AssertionError("unreachable")

    async def _list_all(self, make: Callable[[Any, str | None], Any], key: str, what: str,
                        not_found: str = "gtm.invalid_request") -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            page = await self._call(lambda s, t=token: make(s, t), what, not_found=not_found, read_only=True)
            items.extend(page.get(key, []))  # an empty list is omitted from the answer
            token = page.get("nextPageToken")
            if not token:
                return items

    # ---- account, containers ----------------------------------------------------------------------

    async def check_access(self) -> dict[str, Any]:
        """The service account can read the GTM account (else gtm.unauthorized / gtm.account_not_found)."""
        account = await self._call(lambda s: s.accounts().get(path=self.account_path),
                                   f"access to GTM account {self.account_id}", not_found="gtm.account_not_found",
                                   read_only=True)
        return {"account_id": account.get("accountId"), "name": account.get("name")}

    async def _ensure_container(self, name: str, usage: str) -> tuple[dict[str, Any], bool]:
        containers = await self._list_all(
            lambda s, t: s.accounts().containers().list(parent=self.account_path, pageToken=t),
            "container", "the container list", not_found="gtm.account_not_found")
        found = next((c for c in containers if c.get("name") == name), None)
        if found is not None:
            if found.get("usageContext") != [usage]:
                raise ProviderError("gtm.invalid_request", f"GTM container {name!r} exists but is not a {usage} "
                                    f"container ({found.get('usageContext')})")
            return found, False
        made = await self._call(lambda s: s.accounts().containers().create(
            parent=self.account_path, body={"name": name, "usageContext": [usage]}), f"creating container {name!r}",
            not_found="gtm.account_not_found")
        return made, True

    async def _workspace_path(self, container: dict[str, Any]) -> str:
        workspaces = await self._list_all(
            lambda s, t: s.accounts().containers().workspaces().list(parent=container["path"], pageToken=t),
            "workspace", "the workspace list")
        if not workspaces:
            made = await self._call(lambda s: s.accounts().containers().workspaces().create(
                parent=container["path"], body={"name": "Track AI"}), "creating a workspace")
            return made["path"]
        return workspaces[0]["path"]

    async def _live_version(self, container: dict[str, Any]) -> dict[str, Any] | None:
        try:
            return await self._call(lambda s: s.accounts().containers().versions().live(parent=container["path"]),
                                    "the live version", read_only=True)
        except ProviderError as exc:
            if exc.status == 404:  # never published
                return None
            raise

    async def _publish(self, workspace_path: str, container: dict[str, Any]) -> str:
        name = container["name"]
        made = await self._call(lambda s: s.accounts().containers().workspaces().create_version(
            path=workspace_path, body={"name": "Track AI onboarding", "notes": "created by Track AI"}),
            f"a version of {name!r}")
        version = made.get("containerVersion")
        if made.get("compilerError") or not version:
            raise ProviderError("gtm.compiler_error", f"GTM could not compile the workspace of {name!r} "
                                f"({container.get('tagManagerUrl', workspace_path)}); fix it there, then retry")
        published = await self._call(lambda s: s.accounts().containers().versions().publish(
            path=version["path"], fingerprint=version.get("fingerprint")), f"publishing {name!r}")
        if published.get("compilerError"):
            raise ProviderError("gtm.compiler_error", f"GTM refused to publish version "
                                f"{version['containerVersionId']} of {name!r}: compiler error")
        return str(version["containerVersionId"])

    async def ensure_server_container(self, name: str, tagging_server_url: str | None = None) -> dict[str, Any]:
        """The tenant's server container: its config (Stape's `code`), taggingServerUrls, a live version."""
        container, created = await self._ensure_container(name, "server")
        snippet = await self._call(lambda s: s.accounts().containers().snippet(path=container["path"]),
                                   f"the config of {name!r}", read_only=True)
        config = snippet.get("containerConfig")
        if not config:
            raise ProviderError("gtm.invalid_request", f"GTM gave no container config for {name!r}")
        if tagging_server_url and container.get("taggingServerUrls") != [tagging_server_url]:
            body = {k: container[k] for k in ("name", "usageContext", "domainName", "notes") if k in container}
            container = await self._call(lambda s: s.accounts().containers().update(
                path=container["path"], fingerprint=container.get("fingerprint"),
                body={**body, "taggingServerUrls": [tagging_server_url]}), f"the server URL of {name!r}")
        live = await self._live_version(container)
        version_id = str(live["containerVersionId"]) if live else \
            await self._publish(await self._workspace_path(container), container)
        return {"container_id": container["containerId"], "public_id": container["publicId"],
                "container_config": config, "version_id": version_id, "created": created}

    # ---- web container ----------------------------------------------------------------------------

    async def _ensure_entity(self, workspace_path: str, collection: str,
                             body: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        def resource(s: Any) -> Any:
            return getattr(s.accounts().containers().workspaces(), collection)()

        listed = await self._list_all(lambda s, t: resource(s).list(parent=workspace_path, pageToken=t),
                                      _COLLECTIONS[collection], f"the {collection}")
        found = next((e for e in listed if e.get("name") == body["name"]), None)
        if found is None:
            return await self._call(lambda s: resource(s).create(parent=workspace_path, body=body),
                                    f"creating {body['name']!r}"), True
        if _matches(found, body):
            return found, False
        return await self._call(lambda s: resource(s).update(path=found["path"], fingerprint=found.get("fingerprint"),
                                                             body=body), f"updating {body['name']!r}"), True

    async def ensure_web_container(self, name: str, pixel_id: str, collector_url: str, server_url: str, *,
                                   tag_html: str | None = None) -> dict[str, Any]:
        """The tenant's web container with the Pixel/collector tag, published; a re-run changes nothing."""
        wanted = web_entities(pixel_id, collector_url, server_url, tag_html)
        container, created = await self._ensure_container(name, "web")
        workspace = await self._workspace_path(container)
        changed, made = False, {}
        for collection in ("variables", "triggers"):
            for body in wanted[collection]:
                made[body["name"]], did = await self._ensure_entity(workspace, collection, body)
                changed |= did
        tags = [{**body, "firingTriggerId": [made[PAGEVIEW_TRIGGER]["triggerId"]]} for body in wanted["tags"]]
        for body in tags:
            changed |= (await self._ensure_entity(workspace, "tags", body))[1]
        live = await self._live_version(container)
        # a run that died between creating the entities and publishing left them unpublished
        wanted_live = {"variable": wanted["variables"], "trigger": wanted["triggers"], "tag": tags}
        if changed or live is None or not all(any(_matches(e, body) for e in live.get(key, []))
                                              for key, bodies in wanted_live.items() for body in bodies):
            version_id = await self._publish(workspace, container)
        else:
            version_id = str(live["containerVersionId"])
        return {"container_id": container["containerId"], "public_id": container["publicId"],
                "version_id": version_id, "created": created}

    def web_container_export(self, name: str, pixel_id: str, collector_url: str, server_url: str, *,
                             public_id: str = "GTM-XXXXXXX", container_id: str = "0",
                             tag_html: str | None = None) -> dict[str, Any]:
        """The same web container as an importable file (Admin > Import Container, exportFormatVersion 2);
        enums in SCREAMING_SNAKE as the GTM UI writes them."""
        wanted = web_entities(pixel_id, collector_url, server_url, tag_html)
        a, c = self.account_id, str(container_id)
        ids = iter(range(1, 100))

        enums = {"variableId": (), "triggerId": ("type",), "tagId": ("tagFiringOption",)}  # "c", "html" are codes

        def entity(body: dict[str, Any], id_key: str) -> dict[str, Any]:
            out = {"accountId": a, "containerId": c, id_key: str(next(ids)), **body}
            if "parameter" in out:
                out["parameter"] = [{**p, "type": _screaming(p["type"])} for p in out["parameter"]]
            for key in enums[id_key]:
                out[key] = _screaming(out[key])
            return out

        variables = [entity(v, "variableId") for v in wanted["variables"]]
        triggers = [entity(t, "triggerId") for t in wanted["triggers"]]
        tags = [entity({**t, "firingTriggerId": [triggers[0]["triggerId"]]}, "tagId") for t in wanted["tags"]]
        return {
            "exportFormatVersion": 2,
            "exportTime": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            "containerVersion": {
                "path": f"accounts/{a}/containers/{c}/versions/0", "accountId": a, "containerId": c,
                "containerVersionId": "0", "name": name, "description": "Track AI web container",
                "container": {"path": f"accounts/{a}/containers/{c}", "accountId": a, "containerId": c,
                              "name": name, "publicId": public_id, "usageContext": ["WEB"]},
                "tag": tags, "trigger": triggers, "variable": variables,
                "builtInVariable": [{"accountId": a, "containerId": c, "type": "PAGE_URL", "name": "Page URL"},
                                    {"accountId": a, "containerId": c, "type": "EVENT", "name": "Event"}],
            },
        }
