"""The landing fetch asks public hosts on ports 80 and 443 only (an open port scanner otherwise), also after
a redirect, with a diagnosis the lead understands; the sandbox (allow_private) keeps the fakes' ports."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.routing import Route

from fakes.base import serve
from jobs import landing_page
from jobs.landing_page import LandingError


@pytest.fixture(scope="module")
def site():
    app = Starlette(routes=[Route("/page", lambda _: HTMLResponse("<html></html>")),
                            Route("/to-ssh", lambda _: RedirectResponse("http://203.0.113.7:22/"))])
    with serve(app) as server:
        yield server.url


@pytest.mark.parametrize("url", ["http://example.com:8080/", "https://example.com:6379/", "http://203.0.113.7:22/"])
async def test_a_public_host_on_another_port_is_refused_before_any_lookup(url, monkeypatch):
    async def no_lookup(*_):
        raise AssertionError("resolved a host whose port is refused")
    monkeypatch.setattr(landing_page.asyncio.get_running_loop(), "getaddrinfo", no_lookup)
    with pytest.raises(LandingError) as e:
        await landing_page.fetch(url)
    assert e.value.code == "landing.blocked_port"
    assert "80" in e.value.message and "443" in e.value.message


async def test_a_redirect_to_another_port_is_refused(site, monkeypatch):
    real = landing_page._public_address

    async def first_hop_public(host, port, allow_private):  # the test site itself passes as public
        return "127.0.0.1" if host == "127.0.0.1" else await real(host, port, allow_private)
    monkeypatch.setattr(landing_page, "_public_address", first_hop_public)
    with pytest.raises(LandingError) as e:
        await landing_page.fetch(site + "/to-ssh")
    assert e.value.code == "landing.blocked_port"


async def test_the_sandbox_fetches_the_fakes_on_their_own_port(site):
    assert (await landing_page.fetch(site + "/page", allow_private=True)).status == 200


def test_the_lead_is_told_what_to_correct(conn):
    field, message = conn.execute("select field, message_en from setup.diagnosis_rules"
                                  " where code = 'landing.blocked_port'").fetchone()
    assert field == "landing_url" and "80" in message and "443" in message
