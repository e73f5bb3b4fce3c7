"""The landing snippet, rendered with the largest inputs the validator takes for a typical tenant (every
gateway's checkout hosts, as tracking.gateways has them, and a few of its own), is under 5 KB, loads
nothing but the pixel script, names nothing but our collector and Meta, and is the deterministic
minification of its template."""

from __future__ import annotations

import json
import re

import psycopg
import pytest

from jobs.landing_page import Page, check_install
from jobs.setup_steps import checkouts
from jobs.templates import META_PIXEL_SCRIPT, TEMPLATE_DIR, TemplateInputError, decorated_links, minify_js, render

OWN = {
    "pixel_id": "1234567890123456",
    "collector_url": "https://collector.trackai-servidor-de-rastreamento.com.br/collect",
    "collector_key": "co_" + "K" * 61,
    "gateway": "mercadopago",
    "checkout_hosts": ["pagamento.lojaexemplo.com.br", "checkout.lojaexemplo.com.br", "pay.minhaloja.com.br"],
}


@pytest.fixture(scope="module")
def inputs(dsn) -> dict:
    with psycopg.connect(dsn) as conn:
        return {**OWN, "checkouts": checkouts(conn)}


def test_the_snippet_is_under_5_kb_with_every_gateways_checkout_hosts(inputs):
    rendered = render("landing_snippet", inputs)
    assert len(rendered.body.encode()) < 5 * 1024
    links = decorated_links(rendered.inputs)
    every_host = {h for c in inputs["checkouts"].values() for h in c["hosts"]} | set(inputs["checkout_hosts"])
    assert set(links) == every_host and len(every_host) > 15
    assert links["pay.hotmart.com"] == ["sck", "xcod"] and links["pay.minhaloja.com.br"] == ["src"]
    assert f"LINKS={json.dumps(links, separators=(',', ':'))};" in rendered.body


def test_too_many_long_checkout_hosts_are_refused_rather_than_shipping_a_heavier_snippet(inputs):
    hosts = [f"{i}-{'x' * 60}.{'y' * 60}.com.br" for i in range(20)]
    with pytest.raises(TemplateInputError) as refused:
        render("landing_snippet", {**inputs, "checkout_hosts": hosts})
    assert refused.value.field == "checkout_hosts"


def test_the_snippet_loads_only_the_pixel_script_and_talks_only_to_the_collector(inputs):
    body = render("landing_snippet", inputs).body
    urls = set(re.findall(r"https?://[^\s\"'<>]+", body))
    assert urls == {f"{inputs['collector_url']}?key={inputs['collector_key']}", META_PIXEL_SCRIPT}
    assert body.count("createElement(") == 1  # the pixel's own script tag
    assert not re.search(r"\bimport\b|\brequire\(|XMLHttpRequest|document\.write|\beval\(", body)
    assert "{{" not in body  # GTM would read it as a variable reference
    assert "</" not in body  # pasted inside <script></script>, it must not end the element early


def test_the_snippet_uses_no_syntax_newer_than_es2017(inputs):
    body = render("landing_snippet", inputs).body
    for newer in ("?.", "??", "...", "catch{", "catch {"):  # chaining, nullish, spread/rest, bare catch
        assert newer not in body, newer


def test_the_snippet_is_what_the_landing_validator_detects(inputs):
    body = render("landing_snippet", inputs).body
    found = check_install(Page("https://loja.com.br/", 200, f"<html><head><script>{body}</script></head></html>"),
                          inputs["pixel_id"], inputs["collector_key"])
    assert found["pixel_ids"] == [inputs["pixel_id"]] and found["via"] == "snippet"


def test_minification_is_deterministic_and_drops_comments_and_indentation():
    source = (TEMPLATE_DIR / "landing_snippet.js.j2").read_text()
    once = minify_js(source)
    assert minify_js(once) == once
    assert len(once) < len(source)
    assert not [line for line in once.splitlines() if line.startswith(("//", " ", "\t")) or not line]
    assert "  var b=rnd(16);" in source and "\nvar b=rnd(16);\n" in once
