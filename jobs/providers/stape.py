"""Stape API v2 over httpx (provisioning.md §2): Track AI's own Stape account (STAPE_API_KEY sent as
`X-AUTH-TOKEN`), one sGTM container and one custom domain per tenant, found by name before created.

Answers are unwrapped from `{"body": ...}`. 429 and 5xx are retried (Retry-After honoured, else
1 s, 2 s, 4 s); a network error is retried only for GET (and revalidate, which changes nothing we
own): a POST that may have reached Stape is never sent twice blindly; the next run finds by name
what it created. Stape does not document its status `type` strings, so statuses are read by label:
"Running" for a container, "Ready" for a domain (both observed live).
"""

from __future__ import annotations

import asyncio
import functools
import ssl
import time
from typing import Any

import httpx

from jobs.providers.errors import ProviderError, retry_after_s

RUNNING = "running"
READY = "ready"
# labels of container statuses that will not become Running without someone acting
FAILED = frozenset({"failed", "stopped", "suspended", "blocked", "deleting", "deleted"})
MAX_WAIT_S = 60.0


@functools.cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every request (building one costs 50-200 ms, most of a request's time)."""
    return httpx.create_ssl_context()


def _label(status: Any) -> str:
    return str((status or {}).get("label") or (status or {}).get("type") or "").strip().lower() \
        if isinstance(status, dict) else str(status or "").lower()


def _error_text(resp: httpx.Response) -> str:
    try:
        data = resp.json()
    except ValueError:
        return f"HTTP {resp.status_code}"
    body = data.get("body") if isinstance(data, dict) else None
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, dict):
        return "; ".join(f"{field or 'body'}: {' '.join(map(str, msgs))}" for field, msgs in errors.items())
    err = data.get("error") if isinstance(data, dict) else None
    if isinstance(err, dict):
        return str(err.get("description") or err.get("message") or f"HTTP {resp.status_code}")
    return f"HTTP {resp.status_code}"


class StapeClient:
    def __init__(self, api_key: str, base_url: str, transport: httpx.AsyncBaseTransport | None = None, *,
                 timeout_s: float = 30.0, retries: int = 3, backoff_s: float = 1.0):
        self._api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.transport = transport
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_s = backoff_s

    def __repr__(self) -> str:  # never the key
        return f"StapeClient({self.base_url!r})"

    async def _request(self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None,
                       resend_on_network_error: bool | None = None) -> Any:
        resend = method == "GET" if resend_on_network_error is None else resend_on_network_error
        what = f"{method} {path}"
        async with httpx.AsyncClient(base_url=self.base_url, transport=self.transport, timeout=self.timeout_s,
                                     verify=_tls(), headers={"X-AUTH-TOKEN": self._api_key,
                                                             "accept": "application/json",
                                                             "user-agent": "trackai-setup/0.1"}) as http:
            for attempt in range(self.retries + 1):
                last = attempt == self.retries
                try:
                    resp = await http.request(method, path, json=json, params=params)
                except httpx.TimeoutException:
                    if last or not resend:
                        raise ProviderError("network.timeout", f"Stape did not answer in time ({what})") from None
                    await asyncio.sleep(self.backoff_s * 2 ** attempt)
                    continue
                except httpx.HTTPError as exc:
                    if last or not resend:
                        raise ProviderError("network.unreachable",
                                            f"Stape could not be reached ({what}): {type(exc).__name__}") from None
                    await asyncio.sleep(self.backoff_s * 2 ** attempt)
                    continue
                if resp.status_code == 429 or resp.status_code >= 500:
                    wait = retry_after_s(resp.headers.get("retry-after"))
                    if last:
                        code = "stape.rate_limited" if resp.status_code == 429 else "stape.unavailable"
                        raise ProviderError(code, f"Stape answered {resp.status_code} to {what}: {_error_text(resp)}",
                                            resp.status_code, wait)
                    await asyncio.sleep(min(wait if wait is not None else self.backoff_s * 2 ** attempt, MAX_WAIT_S))
                    continue
                if resp.status_code in (401, 403):
                    raise ProviderError("stape.unauthorized",
                                        f"Stape refused the API key ({what}): {_error_text(resp)}", resp.status_code)
                if resp.status_code >= 400:
                    raise ProviderError("stape.invalid_request", f"Stape refused {what}: {_error_text(resp)}",
                                        resp.status_code)
                try:
                    return resp.json()["body"]
                except (ValueError, KeyError, TypeError):
                    raise ProviderError("stape.unavailable", f"Stape answered {what} without a body") from None
        raise AssertionError("unreachable")

    # ---- containers -------------------------------------------------------------------------------

    async def _find_container(self, name: str) -> dict[str, Any] | None:
        page = 1
        while True:
            body = await self._request("GET", "/containers", params={"page": page, "limit": 100})
            items = body.get("items") or []
            match = next((c for c in items if c.get("name") == name), None)
            if match is not None or not items or page * int(body.get("perPage") or 100) >= int(body.get("total") or 0):
                return match
            page += 1

    @staticmethod
    def _container(c: dict[str, Any], created: bool) -> dict[str, Any]:
        return {"identifier": c["identifier"], "status": _label(c.get("status")), "stape_domain": c.get("stapeDomain"),
                "created": created}

    async def ensure_container(self, name: str, code: str, zone_type: str) -> dict[str, Any]:
        """The tenant's container (found by name, else created with the server GTM container config)."""
        found = await self._find_container(name)
        if found is not None:
            return self._container(found, False)
        made = await self._request("POST", "/containers",
                                   json={"name": name, "code": code, "zone": {"type": zone_type}})
        return self._container(made, True)

    async def get_container(self, identifier: str) -> dict[str, Any]:
        return self._container(await self._request("GET", f"/containers/{identifier}"), False)

    async def wait_running(self, identifier: str, timeout_s: float = 600.0, interval_s: float = 5.0) -> dict[str, Any]:
        """Poll until the container is Running; a terminal status fails at once, a timeout says stuck."""
        deadline = time.monotonic() + timeout_s
        while True:
            container = await self.get_container(identifier)
            if container["status"] == RUNNING:
                return container
            if container["status"] in FAILED:
                raise ProviderError("stape.container_failed",
                                    f"Stape container {identifier} is {container['status']}, not running")
            if time.monotonic() + interval_s > deadline:
                raise ProviderError("stape.container_stuck",
                                    f"Stape container {identifier} is still {container['status'] or 'not running'} "
                                    f"after {timeout_s:g} s")
            await asyncio.sleep(interval_s)

    # ---- domains ----------------------------------------------------------------------------------

    @staticmethod
    def _domain(d: dict[str, Any], stape_domain: str | None, created: bool) -> dict[str, Any]:
        record = next((r for r in d.get("records") or [] if _label(r.get("type")) == "cname"), None)
        return {"identifier": d["identifier"], "status": _label(d.get("status")),
                "cname_host": (record or {}).get("host") or d.get("name"),
                "cname_target": (record or {}).get("value") or stape_domain, "created": created}

    async def ensure_domain(self, identifier: str, hostname: str) -> dict[str, Any]:
        """The custom domain `hostname` on the container (found by name, else added as a CNAME domain).
        `cname_target` is what Stape asks the DNS to point at (its `records[].value`, else the
        container's stapeDomain)."""
        hostname = hostname.strip().rstrip(".").lower()
        listed = await self._request("GET", f"/containers/{identifier}/domains")
        items = listed.get("items", []) if isinstance(listed, dict) else listed
        found = next((d for d in items if str(d.get("name", "")).lower() == hostname), None)
        stape_domain = None
        if found is None or not found.get("records"):
            stape_domain = (await self.get_container(identifier))["stape_domain"]
        if found is not None:
            return self._domain(found, stape_domain, False)
        made = await self._request("POST", f"/containers/{identifier}/domains", json={
            "name": hostname, "cdnType": "none", "connectionType": "stape", "useCnameRecord": True})
        return self._domain(made, stape_domain, True)

    async def get_domain(self, identifier: str, domain_identifier: str) -> dict[str, Any]:
        return self._domain(await self._request("GET", f"/containers/{identifier}/domains/{domain_identifier}"),
                            None, False)

    async def revalidate_domain(self, identifier: str, domain_identifier: str) -> dict[str, Any]:
        """Ask Stape to check the DNS (and certificate) of the domain again."""
        body = await self._request("POST", f"/containers/{identifier}/domains/{domain_identifier}/revalidate",
                                   resend_on_network_error=True)
        return self._domain(body, None, False)

    async def wait_domain_ready(self, identifier: str, domain_identifier: str, timeout_s: float = 300.0,
                                interval_s: float = 10.0) -> dict[str, Any]:
        """Poll (revalidating each time) until the domain is Ready, else stape.domain_not_ready."""
        deadline = time.monotonic() + timeout_s
        while True:
            domain = await self.get_domain(identifier, domain_identifier)
            if domain["status"] == READY:
                return domain
            domain = await self.revalidate_domain(identifier, domain_identifier)
            if domain["status"] == READY:
                return domain
            if time.monotonic() + interval_s > deadline:
                raise ProviderError("stape.domain_not_ready",
                                    f"Stape has not verified {domain['cname_host']} (status {domain['status'] or '?'}) "
                                    f"after {timeout_s:g} s: its CNAME must point to {domain['cname_target']}")
            await asyncio.sleep(interval_s)
