"""The rendered landing snippet, run by headless Chromium (Debian `chromium`, driven over the DevTools
protocol) on a landing page served locally under a .com.br name, against the real API's /collect and a
local stand-in of Meta's fbevents.js that reports each fbq call the way the pixel does (GET /tr with
`id`, `ev` and `eid`). The page includes the snippet twice, and links to checkouts of several platforms
(the hosts and parameters of tracking.gateways)."""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import psycopg
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from websockets.sync.client import connect

from core import tenants
from fakes.base import serve
from jobs import templates
from jobs.setup_steps import checkouts
from service.app import create_app
from tests.apiutil import make_tenant, settings_for

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                                reason="Debian chromium is not installed (make install adds it)")

LANDING_HOST = "www.lojateste.com.br"  # resolved to 127.0.0.1 inside the browser only
PIXEL_ID = "1234567890123456"
CHECKOUT = "https://go.perfectpay.com.br/PPU38CPPF83?utm_source=fb&a=1%202#plano"
# other platforms' checkouts: each carries the visitor id to its notification in its own parameters
HOTMART = "https://pay.hotmart.com/X12345678A?off=abc&sck=HOTMART_PRODUCT_PAGE"
KIWIFY = "https://pay.kiwify.com.br/AbCdEf1?utm_source=fb"
EDUZZ = "https://sun.eduzz.com/1234567?a=1#x"
NOT_CHECKOUTS = ["https://example.com/blog?x=1", "https://hotmart.com/pt-br/marketplace?sck=mine",
                 "https://notpay.kiwify.com.br/x?y=1", "https://sun.eduzz.com.example.net/z"]

# Like fbevents.js: takes over fbq's queue, refuses what the pixel refuses, reports each event on /tr.
FBEVENTS_STUB = """(function () {
  var base = new URL(document.currentScript.src).origin, pixel = null;
  function call(cmd, a, b, c) {
    if (cmd === "init") {
      if (!/^[0-9]{15,16}$/.test(a)) throw new Error("fbq init: bad pixel id " + a);
      pixel = a; return;
    }
    if (cmd !== "track" && cmd !== "trackCustom") throw new Error("fbq: unknown command " + cmd);
    if (!pixel) throw new Error("fbq " + cmd + " before init");
    var q = new URLSearchParams({id: pixel, ev: a, cd: JSON.stringify(b || {}), eid: (c || {}).eventID || ""});
    new Image().src = base + "/tr?" + q;
  }
  fbq.callMethod = function () { call.apply(null, arguments); };
  fbq.queue.splice(0).forEach(function (args) { call.apply(null, args); });
})();"""

PAGE = """<!doctype html><html><head><meta charset="utf-8"><script>{snippet}</script><script>{snippet}</script>
</head><body>
<a id="buy" href="{checkout}">Comprar</a>
<a id="other" href="https://example.com/blog?x=1">Blog</a>
<a id="hotmart" href="{hotmart}">Hotmart</a>
<p><a id="kiwify" href="{kiwify}">Kiwify</a> <a id="eduzz" href="{eduzz}">Eduzz</a></p>
{not_checkouts}
<script>setTimeout(function () {{
  var a = document.createElement("a"); a.id = "late"; a.href = "https://checkout.perfectpay.com.br/PPU1?p=2";
  document.body.appendChild(a);
  document.getElementById("other").href = "https://go.perfectpay.com.br/PPU2";
  var div = document.createElement("div");
  div.innerHTML = '<a id="late_hotmart" href="https://go.hotmart.com/Y1?ref=z#top">Hotmart</a>';
  document.body.appendChild(div);
}}, 300);</script>
</body></html>"""


class Landing:
    """The landing site: the page, the pixel script stand-in and the pixel's /tr hits it received."""

    def __init__(self) -> None:
        self.html = ""
        self.hits: list[dict] = []
        self.app = Starlette(routes=[
            Route("/", lambda r: HTMLResponse(self.html)),
            Route("/fbevents.js", lambda r: Response(FBEVENTS_STUB, media_type="text/javascript")),
            Route("/tr", self.tr),
            Route("/favicon.ico", lambda r: Response(status_code=204)),
        ])

    async def tr(self, request: Request) -> Response:
        self.hits.append(dict(request.query_params))
        return Response(status_code=204)


class Cdp:
    """The few DevTools protocol calls the test needs, over the browser's websocket."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.n = 0
        self.events: list[dict] = []
        self.session: str | None = None

    def call(self, method: str, **params):
        self.n += 1
        msg = {"id": self.n, "method": method, "params": params}
        if self.session:
            msg["sessionId"] = self.session
        self.ws.send(json.dumps(msg))
        while True:
            reply = json.loads(self.ws.recv(timeout=30))
            if reply.get("id") != self.n:
                self.events.append(reply)
                continue
            if "error" in reply:
                raise RuntimeError(f"{method}: {reply['error']}")
            return reply["result"]

    def js(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def page_errors(self) -> list[dict]:
        return [e for e in self.events if e.get("method") in ("Runtime.exceptionThrown", "Log.entryAdded")
                and (e["method"] == "Runtime.exceptionThrown" or e["params"]["entry"]["level"] == "error")]


def wait_for(what: str, check, timeout_s: float = 15.0):
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def stop(browser: subprocess.Popen) -> None:
    """Chromium and every process it started (renderers, crash handler): they write into the profile
    until they exit, so the profile is removed only after the whole process group is gone."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(browser.pid, signal.SIGTERM)
    try:
        browser.wait(10)
    except subprocess.TimeoutExpired:
        browser.kill()
        browser.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(browser.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        time.sleep(0.1)


@pytest.fixture(scope="module")
def run(dsn):
    tenant = make_tenant(dsn, pixel_id=PIXEL_ID)
    landing = Landing()
    with serve(create_app(settings_for(dsn)), lifespan="on") as api, serve(landing.app) as site, \
            tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile, contextlib.ExitStack() as stack:
        origin = f"http://{LANDING_HOST}:{site.port}"
        with psycopg.connect(dsn, autocommit=True) as conn:
            tenants.allow_origin(conn, tenant.company_id, origin)
            every_checkout = checkouts(conn)
        snippet = templates.render("landing_snippet", {
            "pixel_id": PIXEL_ID, "collector_url": f"{api.url}/collect", "collector_key": tenant.collector_key,
            "gateway": "perfectpay", "checkouts": every_checkout, "pixel_script_url": f"{site.url}/fbevents.js"}).body
        links = {name: html.escape(url) for name, url in
                 {"checkout": CHECKOUT, "hotmart": HOTMART, "kiwify": KIWIFY, "eduzz": EDUZZ}.items()}
        not_checkouts = "\n".join(f'<a class="not" href="{html.escape(url)}">x</a>' for url in NOT_CHECKOUTS)
        landing.html = PAGE.format(snippet=snippet, not_checkouts=not_checkouts, **links)
        browser = subprocess.Popen(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--remote-debugging-port=0",
             f"--host-resolver-rules=MAP {LANDING_HOST} 127.0.0.1", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        stack.callback(stop, browser)
        port_file = Path(profile) / "DevToolsActivePort"
        wait_for("chromium's DevTools port", lambda: port_file.exists() and port_file.read_text().count("\n"),
                 timeout_s=30)
        port, path = port_file.read_text().split("\n")[:2]
        cdp = Cdp(stack.enter_context(connect(f"ws://127.0.0.1:{port}{path}", max_size=None, open_timeout=10)))
        target = cdp.call("Target.createTarget", url="about:blank")["targetId"]
        cdp.session = cdp.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        cdp.call("Runtime.enable")
        cdp.call("Log.enable")
        started_ms = int(time.time() * 1000)
        cdp.call("Page.navigate", url=f"{origin}/?fbclid=ABC&utm_source=fb&utm_campaign=bf")
        wait_for("the late links", lambda: cdp.js("(document.getElementById('late') || {}).href || ''").find("src=") > 0
                 and cdp.js("(document.getElementById('late_hotmart') || {}).href || ''").find("xcod=") > 0)
        yield {"cdp": cdp, "landing": landing, "tenant": tenant, "started_ms": started_ms, "dsn": dsn,
               "origin": origin}


def collected(dsn: str, company_id: str, event_name: str) -> list[tuple]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return conn.execute(
            "select e.event_id, e.visitor_id, e.custom_data, t.fbclid, t.fbc, t.fbp, t.utm_source, t.utm_campaign"
            " from tracking.events e join tracking.touchpoints t on t.company_id = e.company_id"
            " and t.visitor_id = e.visitor_id and t.event_name = e.event_name"
            " where e.company_id = %s and e.source = 'collector' and e.event_name = %s",
            (company_id, event_name)).fetchall()


def pixel_hits(landing: Landing, event_name: str) -> list[dict]:
    return [h for h in landing.hits if h["ev"] == event_name]


def test_fbc_fbp_and_the_visitor_id_are_first_party_cookies_for_90_days(run):
    cookies = {c["name"]: c for c in run["cdp"].call("Network.getCookies", urls=[
        f"http://{LANDING_HOST}/"])["cookies"]}
    fbc = cookies["_fbc"]
    match = re.fullmatch(r"fb\.1\.(\d{13})\.ABC", fbc["value"])
    assert match, fbc["value"]
    assert run["started_ms"] - 1000 <= int(match[1]) <= int(time.time() * 1000)
    assert re.fullmatch(r"fb\.1\.\d{13}\.\d+", cookies["_fbp"]["value"])
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                        cookies["_tai_vid"]["value"])
    for name in ("_fbc", "_fbp", "_tai_vid"):
        assert cookies[name]["domain"] == ".lojateste.com.br"  # the registrable domain, not www nor com.br
        assert abs(cookies[name]["expires"] - (time.time() + 90 * 86400)) < 3600
    assert "_tai_probe" not in cookies
    assert run["cdp"].js("window.trackai.visitorId") == cookies["_tai_vid"]["value"]


def test_checkout_links_carry_the_visitor_id_as_src_even_when_added_later(run):
    cdp = run["cdp"]
    vid = cdp.js("window.trackai.visitorId")
    assert cdp.js("document.getElementById('buy').href") == (
        f"https://go.perfectpay.com.br/PPU38CPPF83?utm_source=fb&a=1%202&src={vid}#plano")
    assert cdp.js("document.getElementById('late').href") == f"https://checkout.perfectpay.com.br/PPU1?p=2&src={vid}"
    assert cdp.js("document.getElementById('other').href") == f"https://go.perfectpay.com.br/PPU2?src={vid}"


def href(cdp: Cdp, element_id: str) -> str:
    return cdp.js(f"document.getElementById({json.dumps(element_id)}).href")


def test_links_to_other_platforms_checkouts_carry_the_visitor_id_in_the_parameters_each_one_forwards(run):
    cdp = run["cdp"]
    vid = cdp.js("window.trackai.visitorId")
    # Hotmart: xcod, and sck (a value Hotmart put there itself is replaced); the offer kept
    assert href(cdp, "hotmart") == f"https://pay.hotmart.com/X12345678A?off=abc&sck={vid}&xcod={vid}"
    # Kiwify: sck and src, its UTM kept; Eduzz: sck and src, the fragment kept
    assert href(cdp, "kiwify") == f"https://pay.kiwify.com.br/AbCdEf1?utm_source=fb&sck={vid}&src={vid}"
    assert href(cdp, "eduzz") == f"https://sun.eduzz.com/1234567?a=1&sck={vid}&src={vid}#x"
    # added after load, on another of Hotmart's hosts
    assert href(cdp, "late_hotmart") == f"https://go.hotmart.com/Y1?ref=z&sck={vid}&xcod={vid}#top"
    assert parse_qs(urlsplit(href(cdp, "hotmart")).query) == {"off": ["abc"], "sck": [vid], "xcod": [vid]}


def test_links_to_hosts_of_no_checkout_are_left_as_they_were(run):
    assert run["cdp"].js("Array.from(document.querySelectorAll('a.not'), a => a.href)") == NOT_CHECKOUTS


def test_one_page_view_reaches_collect_and_the_pixel_with_the_same_event_id(run):
    tenant, landing = run["tenant"], run["landing"]
    rows = wait_for("the PageView in the database", lambda: collected(run["dsn"], tenant.company_id, "PageView"))
    hits = wait_for("the PageView at the pixel", lambda: pixel_hits(landing, "PageView"))
    assert len(rows) == 1 and len(hits) == 1  # the snippet is on the page twice
    event_id, visitor_id, _, fbclid, fbc, fbp, utm_source, utm_campaign = rows[0]
    assert hits[0]["eid"] == event_id and hits[0]["id"] == PIXEL_ID
    assert visitor_id == run["cdp"].js("window.trackai.visitorId")
    assert (fbclid, utm_source, utm_campaign) == ("ABC", "fb", "bf")
    assert fbc.endswith(".ABC") and fbp.startswith("fb.1.")
    assert run["cdp"].page_errors() == []


def test_a_lead_tracked_by_the_page_carries_one_event_id_to_both(run):
    tenant, landing = run["tenant"], run["landing"]
    event_id = run["cdp"].js("window.trackai.track('Lead', {value: 49.9, currency: 'BRL'})")
    rows = wait_for("the Lead in the database", lambda: collected(run["dsn"], tenant.company_id, "Lead"))
    hit = wait_for("the Lead at the pixel", lambda: pixel_hits(landing, "Lead"))[0]
    assert rows[0][0] == event_id == hit["eid"]
    assert rows[0][2] == {"value": 49.9, "currency": "BRL"}
    assert json.loads(hit["cd"]) == {"value": 49.9, "currency": "BRL"}
    assert run["cdp"].page_errors() == []


def test_the_collector_url_of_the_snippet_is_the_api_collect_with_the_key(run):
    snippet = run["landing"].html
    url = re.search(r'"(http://127\.0\.0\.1:\d+/collect\?key=[^"]+)"', snippet)[1]
    assert parse_qs(urlsplit(url).query) == {"key": [run["tenant"].collector_key]}



def visit(cdp: Cdp, url: str) -> None:
    cdp.call("Page.navigate", url=url)
    wait_for(url, lambda: cdp.js(f"location.href === {json.dumps(url)} && !!window.trackai"))


def cookie(cdp: Cdp, name: str) -> str:
    return cdp.js(f"document.cookie.match(/(?:^|; ){name}=([^;]*)/)[1]")


def test_a_later_visit_keeps_cookies_and_attribution_and_a_new_fbclid_replaces_fbc(run):
    # last in the file: the tests above count the first visit's page views
    cdp, company = run["cdp"], run["tenant"].company_id
    kept = {name: cookie(cdp, name) for name in ("_fbc", "_fbp", "_tai_vid")}
    visit(cdp, f"{run['origin']}/?p=2")  # no fbclid, no UTMs
    assert {name: cookie(cdp, name) for name in kept} == kept
    with psycopg.connect(run["dsn"], autocommit=True) as conn:
        later = wait_for("the second PageView", lambda: conn.execute(
            "select visitor_id, fbclid, fbc, utm_source, utm_campaign, url from tracking.touchpoints"
            " where company_id = %s and event_name = 'PageView' order by id", (company,)).fetchall()[1:])
    assert later[0][:5] == (kept["_tai_vid"], "ABC", kept["_fbc"], "fb", "bf")
    assert later[0][5] == f"{run['origin']}/?p=2"
    visit(cdp, f"{run['origin']}/?fbclid=XYZ")
    assert re.fullmatch(r"fb\.1\.\d{13}\.XYZ", cookie(cdp, "_fbc"))
    assert (cookie(cdp, "_fbp"), cookie(cdp, "_tai_vid")) == (kept["_fbp"], kept["_tai_vid"])
