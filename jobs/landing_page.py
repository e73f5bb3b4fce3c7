"""Fetching a lead's landing page without letting the URL reach inside our network (SSRF).

http/https only, on ports 80 and 443 only (outside the sandbox: the local fakes answer on other ports);
every address the host resolves to must be public (outside the sandbox); the
connection goes to the address that was checked (no second DNS lookup to rebind); redirects are
followed by hand and each hop is checked again; at most MAX_BYTES are read within TIMEOUT_S.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from jobs.providers.errors import ProviderError

MAX_BYTES = 2 * 1024 * 1024
MAX_REDIRECTS = 5
PUBLIC_PORTS = (80, 443)
TIMEOUT_S = 10.0
_PIXEL_INIT = re.compile(r"""fbq\(\s*['"]init['"]\s*,\s*['"](\d{15,16})['"]""")


class LandingError(ProviderError):
    """A landing failure, with a code from setup.diagnosis_rules."""


@dataclass(frozen=True)
class Page:
    url: str
    status: int
    html: str


async def _public_address(host: str, port: int, allow_private: bool) -> str:
    """The address to connect to: host:port must be a public web server (anything, in the sandbox)."""
    if not allow_private and port not in PUBLIC_PORTS:
        raise LandingError("landing.blocked_port", f"{host} is asked for on port {port}; landing pages are "
                           "fetched on ports 80 (http) and 443 (https) only")
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise LandingError("landing.unreachable", f"{host} does not resolve") from None
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    if not allow_private and any(not a.is_global for a in addresses):
        raise LandingError("landing.blocked_address", f"{host} resolves to a non-public address")
    return str(addresses[0])


async def fetch(url: str, *, allow_private: bool = False, transport: httpx.AsyncBaseTransport | None = None) -> Page:
    async with httpx.AsyncClient(timeout=TIMEOUT_S, transport=transport, follow_redirects=False) as http:
        for _ in range(MAX_REDIRECTS + 1):
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise LandingError("landing.blocked_address", "only http and https pages are fetched")
            port = parts.port or (443 if parts.scheme == "https" else 80)
            ip = await _public_address(parts.hostname, port, allow_private)
            netloc = f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"
            pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
            try:
                async with http.stream("GET", pinned, headers={"host": parts.netloc, "user-agent": "TrackAI-setup/1.0"},
                                       extensions={"sni_hostname": parts.hostname}) as resp:
                    if resp.is_redirect and "location" in resp.headers:
                        url = urljoin(url, resp.headers["location"])
                        continue
                    body = bytearray()
                    async for chunk in resp.aiter_bytes():
                        body.extend(chunk)
                        if len(body) > MAX_BYTES:
                            raise LandingError("landing.unreachable", f"the page is larger than {MAX_BYTES} bytes")
                    if resp.status_code >= 400:
                        raise LandingError("landing.bad_status", f"the page answered HTTP {resp.status_code}")
                    return Page(url, resp.status_code, body.decode(resp.encoding or "utf-8", "replace"))
            except httpx.TimeoutException:
                raise LandingError("landing.unreachable", f"no answer within {TIMEOUT_S:.0f} s") from None
            except httpx.HTTPError as exc:
                raise LandingError("landing.unreachable", f"{type(exc).__name__} while fetching the page") from None
        raise LandingError("landing.unreachable", f"more than {MAX_REDIRECTS} redirects")


def check_install(page: Page, pixel_id: str, collector_key: str, gtm_public_id: str | None = None) -> dict:
    """The snippet is there when the page carries our collector key (or loads our GTM web container),
    and the pixel it initialises, if any, is the session's."""
    pixels = sorted(set(_PIXEL_INIT.findall(page.html)))
    if pixels and pixel_id not in pixels:
        raise LandingError("landing.pixel_mismatch", f"the page initialises pixel(s) {', '.join(pixels)}")
    via_gtm = bool(gtm_public_id) and gtm_public_id in page.html
    if collector_key not in page.html and not via_gtm:
        raise LandingError("landing.snippet_missing", f"{page.url} does not load the Track AI snippet")
    return {"url": page.url, "pixel_ids": pixels, "via": "gtm" if via_gtm else "snippet"}
