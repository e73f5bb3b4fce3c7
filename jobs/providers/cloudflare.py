"""Cloudflare DNS through the official SDK (AsyncCloudflare, v5.9), with the customer's API token.

`find_zone` resolves the zone that holds a host; `ensure_cname` makes `name` a DNS-only (proxied=false,
ttl auto) CNAME to `target` following provisioning.md §1.4: it lists the name first (every type, so
an A/AAAA/TXT holding it is seen), leaves a matching record alone, updates a CNAME whose target
differs or is proxied, refuses to touch a record it would have to delete, and re-lists after a
81053/81057 race instead of creating a duplicate. The SDK retries 408/409/429/5xx itself (`max_retries`).
"""

from __future__ import annotations

from typing import Any

import cloudflare
import httpx

from core import settings as core_settings
from jobs.providers.errors import ProviderError, retry_after_s

MANAGED_COMMENT = "managed-by:trackai"
RACE_CODES = {81053, 81057}
DEFAULT_BASE_URL = "https://api.cloudflare.com/client/v4"


def make_client(api_token: str, base_url: str | None = None, http_client: httpx.AsyncClient | None = None,
                *, max_retries: int = 2, timeout_s: float = 30.0) -> cloudflare.AsyncCloudflare:
    client = cloudflare.AsyncCloudflare(
        api_token=api_token, base_url=base_url or core_settings.load().cloudflare_api_url or DEFAULT_BASE_URL,
        http_client=http_client, max_retries=max_retries, timeout=timeout_s)
    # the SDK also reads CLOUDFLARE_API_KEY/EMAIL from the environment and would send them instead
    # of the token: the customer's token is the only credential here
    client.api_key = client.api_email = client.user_service_key = None
    return client


def _error(exc: Exception, what: str) -> ProviderError:
    if isinstance(exc, cloudflare.APITimeoutError):
        return ProviderError("network.timeout", f"Cloudflare did not answer in time ({what})")
    if isinstance(exc, cloudflare.APIConnectionError):
        return ProviderError("network.unreachable", f"Cloudflare could not be reached ({what})")
    if not isinstance(exc, cloudflare.APIStatusError):
        return ProviderError("cloudflare.unavailable", f"unexpected answer from Cloudflare ({what})")
    status = exc.status_code
    errors = exc.body.get("errors") if isinstance(exc.body, dict) else None
    first = errors[0] if errors and isinstance(errors[0], dict) else {}
    chain = first.get("error_chain") or []
    detail = "; ".join(f"{e.get('code')} {e.get('message')}" for e in [first, *chain] if e) or f"HTTP {status}"
    message = f"Cloudflare refused {what}: {detail}"
    if status in (401, 403) or first.get("code") in (6003, 9109, 10000):
        return ProviderError("cloudflare.unauthorized", message, status)
    if status == 429:
        return ProviderError("cloudflare.rate_limited", message, status,
                             retry_after_s(exc.response.headers.get("retry-after")))
    if status >= 500:
        return ProviderError("cloudflare.unavailable", message, status)
    if status == 404 and first.get("code") == 7003:
        return ProviderError("cloudflare.zone_not_found", message, status)
    return ProviderError("cloudflare.invalid_request", message, status)


def _host(value: str) -> str:
    return value.strip().rstrip(".").lower()


def zone_candidates(hostname: str) -> list[str]:
    """`track.customer.com.br` -> [`track.customer.com.br`, `customer.com.br`, `com.br`]."""
    labels = _host(hostname).split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


async def find_zone(client: cloudflare.AsyncCloudflare, zone_name: str) -> str:
    """The id of the zone holding `zone_name` (itself or a parent) that the token can see."""
    try:
        for candidate in zone_candidates(zone_name):
            async for zone in client.zones.list(name=candidate):
                if _host(zone.name) == candidate:
                    return zone.id
    except cloudflare.CloudflareError as exc:
        raise _error(exc, "the zone lookup") from None
    raise ProviderError("cloudflare.zone_not_found",
                        f"no Cloudflare zone for {_host(zone_name)} is visible to this token (missing zone, "
                        "or a token without Zone:Read on it)")


async def _records(client: cloudflare.AsyncCloudflare, zone_id: str, name: str) -> list[Any]:
    return [r async for r in client.dns.records.list(zone_id=zone_id, name={"exact": name})]


async def ensure_cname(client: cloudflare.AsyncCloudflare, zone_id: str, name: str, target: str) -> dict[str, Any]:
    """Make `name` a CNAME to `target` (DNS only). -> {"record_id", "created", "updated"}."""
    name, target = _host(name), _host(target)
    try:
        for attempt in range(2):
            existing = await _records(client, zone_id, name)
            cname = next((r for r in existing if r.type == "CNAME"), None)
            others = sorted({r.type for r in existing if r.type != "CNAME"})
            if others:
                raise ProviderError("cloudflare.record_conflict",
                                    f"{name} already has {', '.join(others)} record(s); remove them so it can be a "
                                    f"CNAME to {target}")
            # a proxied CNAME is ours to fix (reference §1.4): Stape must see the name resolve to its target
            if cname is not None and _host(cname.content or "") == target and not cname.proxied:
                return {"record_id": cname.id, "created": False, "updated": False}
            if cname is not None:
                await client.dns.records.edit(cname.id, zone_id=zone_id, type="CNAME", name=name, content=target,
                                              ttl=1, proxied=False)
                return {"record_id": cname.id, "created": False, "updated": True}
            try:
                record = await client.dns.records.create(zone_id=zone_id, type="CNAME", name=name, content=target,
                                                         ttl=1, proxied=False, comment=MANAGED_COMMENT)
            except cloudflare.BadRequestError as exc:
                body = exc.body if isinstance(exc.body, dict) else {}
                codes = {e.get("code") for e in body.get("errors", []) if isinstance(e, dict)}
                if codes & RACE_CODES and attempt == 0:
                    continue  # someone created it between our list and create: look again
                raise
            return {"record_id": record.id, "created": True, "updated": False}
    except cloudflare.CloudflareError as exc:
        raise _error(exc, f"the CNAME for {name}") from None
    raise ProviderError("cloudflare.record_conflict", f"{name} keeps changing while we write it")
