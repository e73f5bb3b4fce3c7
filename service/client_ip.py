"""The client's address. X-Forwarded-For is anyone's to write: it is believed only when the connection
comes from a configured proxy (TRUSTED_PROXIES), and then read from the right, where our proxies appended
what they saw, up to the first hop that is not one of them."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from fastapi import Request

Networks = Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network]


def client_ip(request: Request) -> str | None:
    peer = request.client.host if request.client else None
    return forwarded_client(peer, request.headers.get("x-forwarded-for"), request.app.state.settings.trusted_proxies)


def forwarded_client(peer: str | None, forwarded: str | None, trusted: Networks) -> str | None:
    if not forwarded or not _is_trusted(peer, trusted):
        return peer
    address = peer
    for hop in reversed([h.strip() for h in forwarded.split(",")]):
        if _ip(hop) is None:
            break  # what a proxy would not write: keep the last address we can vouch for
        address = hop
        if not _is_trusted(hop, trusted):
            break
    return address


def _ip(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text or "")
    except ValueError:
        return None


def _is_trusted(address: str | None, trusted: Networks) -> bool:
    ip = _ip(address)
    return ip is not None and any(ip in network for network in trusted)
