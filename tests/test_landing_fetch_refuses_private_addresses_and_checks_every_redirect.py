"""Landing validation fetches the lead's page SSRF-safely: http/https only, public addresses only
(outside the sandbox), each redirect checked again, a size cap; then finds our snippet and pixel."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.routing import Route

from fakes.base import serve
from jobs import landing_page
from jobs.landing_page import LandingError, Page

HTML = "<script>fbq('init', '123456789012345');</script><script>var k='co_collectorkey0001';</script>"


@pytest.fixture(scope="module")
def site():
    app = Starlette(routes=[
        Route("/page", lambda _: HTMLResponse(HTML)),
        Route("/to-metadata", lambda _: RedirectResponse("http://169.254.169.254/latest/meta-data/")),
        Route("/huge", lambda _: HTMLResponse("x" * (landing_page.MAX_BYTES + 10))),
        Route("/missing", lambda _: HTMLResponse("nope", status_code=404)),
    ])
    with serve(app) as server:
        yield server.url


@pytest.mark.parametrize("url", ["http://127.0.0.1/page", "https://10.0.0.1/", "http://169.254.169.254:80/"])
async def test_a_private_address_is_refused_outside_the_sandbox(url):
    with pytest.raises(LandingError) as e:
        await landing_page.fetch(url)  # on 80 / 443: another port is refused before (its own test)
    assert e.value.code == "landing.blocked_address"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://example.com/", "javascript:alert(1)"])
async def test_only_http_and_https_are_fetched(url):
    with pytest.raises(LandingError) as e:
        await landing_page.fetch(url, allow_private=True)
    assert e.value.code == "landing.blocked_address"


async def test_a_redirect_to_a_private_address_is_refused(site, monkeypatch):
    # the first hop passes as public; the redirect to the cloud metadata address must not
    real = landing_page._public_address

    async def first_hop_public(host, port, allow_private):
        return "127.0.0.1" if host == "127.0.0.1" and port == int(site.rsplit(":", 1)[1]) else \
            await real(host, port, allow_private)
    monkeypatch.setattr(landing_page, "_public_address", first_hop_public)
    with pytest.raises(LandingError) as e:
        await landing_page.fetch(site + "/to-metadata")
    assert e.value.code == "landing.blocked_address"


async def test_size_and_status_limits(site):
    with pytest.raises(LandingError) as e:
        await landing_page.fetch(site + "/huge", allow_private=True)
    assert e.value.code == "landing.unreachable" and "larger" in e.value.message
    with pytest.raises(LandingError) as e:
        await landing_page.fetch(site + "/missing", allow_private=True)
    assert e.value.code == "landing.bad_status"


async def test_the_snippet_and_pixel_are_detected(site):
    page = await landing_page.fetch(site + "/page", allow_private=True)
    assert landing_page.check_install(page, "123456789012345", "co_collectorkey0001")["pixel_ids"] == [
        "123456789012345"]
    with pytest.raises(LandingError) as e:
        landing_page.check_install(page, "999999999999999", "co_collectorkey0001")
    assert e.value.code == "landing.pixel_mismatch"
    with pytest.raises(LandingError) as e:
        landing_page.check_install(Page("u", 200, "<html></html>"), "123456789012345", "co_collectorkey0001")
    assert e.value.code == "landing.snippet_missing"
    via_gtm = Page("u", 200, "<script src='https://www.googletagmanager.com/gtm.js?id=GTM-ABC1234'></script>")
    assert landing_page.check_install(via_gtm, "123456789012345", "co_x", "GTM-ABC1234")["via"] == "gtm"
