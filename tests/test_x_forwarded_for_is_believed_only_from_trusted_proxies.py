"""X-Forwarded-For names the client only when the connection comes from a proxy TRUSTED_PROXIES lists
(none by default), read from the right up to the first hop that is not one of ours; uvicorn, where the API
is started, follows the same setting."""

from __future__ import annotations

import time
from ipaddress import ip_network

import pytest
from typer.testing import CliRunner

from core.settings import load, proxy_networks
from service.client_ip import forwarded_client
from tests.apiutil import ORIGIN, api_client
from trackai import cli

PROXIES = proxy_networks("10.0.0.0/8, 2001:db8::1")


@pytest.mark.parametrize(("peer", "forwarded", "client"), [
    ("198.51.100.7", "177.10.20.30", "198.51.100.7"),  # not a proxy of ours: the header is anyone's
    ("10.0.0.5", "177.10.20.30", "177.10.20.30"),
    ("10.0.0.5", "6.6.6.6, 177.10.20.30", "177.10.20.30"),  # the client wrote the left part itself
    ("10.0.0.5", "177.10.20.30, 10.0.0.9", "177.10.20.30"),  # two of our proxies in a row
    ("2001:db8::1", "2804:214:c003::7", "2804:214:c003::7"),
    ("10.0.0.5", "not-an-ip", "10.0.0.5"),
    ("10.0.0.5", None, "10.0.0.5"),
])
def test_the_client_is_the_first_hop_that_is_not_a_trusted_proxy(peer, forwarded, client):
    assert forwarded_client(peer, forwarded, PROXIES) == client


def test_with_no_trusted_proxy_the_header_is_ignored():
    assert forwarded_client("10.0.0.5", "177.10.20.30", ()) == "10.0.0.5"


def test_a_bad_entry_stops_the_start_up_naming_the_setting(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, proxy.internal")
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        load()


def _visitor_ip(dsn, conn, tenant, peer, **overrides) -> str:
    visitor = f"v-ip-{time.monotonic_ns()}"
    with api_client(dsn, peer=(peer, 40000), **overrides) as client:
        r = client.post(f"/collect?key={tenant.collector_key}", headers={"Origin": ORIGIN,
                        "X-Forwarded-For": "6.6.6.6, 177.10.20.30"},
                        json={"event_name": "PageView", "event_id": f"pv-{time.monotonic_ns()}",
                              "visitor_id": visitor, "url": "https://loja.example.com.br/"})
    assert r.status_code == 202, r.text
    return conn.execute("select client_ip_address from tracking.visitors where visitor_id = %s",
                        (visitor,)).fetchone()[0]


def test_the_collector_believes_the_header_only_from_a_trusted_proxy(dsn, conn, tenant):
    assert _visitor_ip(dsn, conn, tenant, "198.51.100.7") == "198.51.100.7"
    assert _visitor_ip(dsn, conn, tenant, "10.0.0.5", trusted_proxies=PROXIES) == "177.10.20.30"


@pytest.mark.parametrize(("setting", "options"), [
    ("", {"proxy_headers": False, "forwarded_allow_ips": ""}),
    ("10.0.0.0/8,192.0.2.1", {"proxy_headers": True, "forwarded_allow_ips": "10.0.0.0/8,192.0.2.1/32"}),
])
def test_uvicorn_is_started_with_the_same_proxies(monkeypatch, setting, options):
    import uvicorn

    started = {}
    monkeypatch.setenv("TRUSTED_PROXIES", setting)
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: started.update(kwargs))
    assert CliRunner().invoke(cli.app, ["serve"]).exit_code == 0
    assert {k: started[k] for k in options} == options
    assert ip_network("10.0.0.0/8") in load().trusted_proxies or not setting
