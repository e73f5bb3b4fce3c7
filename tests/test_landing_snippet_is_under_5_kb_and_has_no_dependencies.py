"""The landing snippet, rendered with the largest inputs the validator takes for a typical tenant, is
under 5 KB, loads nothing but the pixel script, names nothing but our collector and Meta, and is the
deterministic minification of its template."""

from __future__ import annotations

import re

import pytest

from jobs.landing_page import Page, check_install
from jobs.templates import META_PIXEL_SCRIPT, TEMPLATE_DIR, TemplateInputError, minify_js, render

INPUTS = {
    "pixel_id": "1234567890123456",
    "collector_url": "https://collector.trackai-servidor-de-rastreamento.com.br/collect",
    "collector_key": "co_" + "K" * 61,
    "gateway": "mercadopago",
    "checkout_hosts": ["mercadopago.com.br", "mpago.la", "pagamento.lojaexemplo.com.br",
                       "checkout.perfectpay.com.br", "go.perfectpay.com.br"],
}


def test_the_snippet_is_under_5_kb():
    body = render("landing_snippet", INPUTS).body
    assert len(body.encode()) < 5 * 1024


def test_too_many_long_checkout_hosts_are_refused_rather_than_shipping_a_heavier_snippet():
    hosts = [f"{i}-{'x' * 60}.{'y' * 60}.com.br" for i in range(20)]
    with pytest.raises(TemplateInputError) as refused:
        render("landing_snippet", {**INPUTS, "checkout_hosts": hosts})
    assert refused.value.field == "checkout_hosts"


def test_the_snippet_loads_only_the_pixel_script_and_talks_only_to_the_collector():
    body = render("landing_snippet", INPUTS).body
    urls = set(re.findall(r"https?://[^\s\"'<>]+", body))
    assert urls == {f"{INPUTS['collector_url']}?key={INPUTS['collector_key']}", META_PIXEL_SCRIPT}
    assert body.count("createElement(") == 1  # the pixel's own script tag
    assert not re.search(r"\bimport\b|\brequire\(|XMLHttpRequest|document\.write|\beval\(", body)
    assert "{{" not in body  # GTM would read it as a variable reference
    assert "</" not in body  # pasted inside <script></script>, it must not end the element early


def test_the_snippet_uses_no_syntax_newer_than_es2017():
    body = render("landing_snippet", INPUTS).body
    for newer in ("?.", "??", "...", "catch{", "catch {"):  # chaining, nullish, spread/rest, bare catch
        assert newer not in body, newer


def test_the_snippet_is_what_the_landing_validator_detects():
    body = render("landing_snippet", INPUTS).body
    found = check_install(Page("https://loja.com.br/", 200, f"<html><head><script>{body}</script></head></html>"),
                          INPUTS["pixel_id"], INPUTS["collector_key"])
    assert found["pixel_ids"] == [INPUTS["pixel_id"]] and found["via"] == "snippet"


def test_minification_is_deterministic_and_drops_comments_and_indentation():
    source = (TEMPLATE_DIR / "landing_snippet.js.j2").read_text()
    once = minify_js(source)
    assert minify_js(once) == once
    assert len(once) < len(source)
    assert not [line for line in once.splitlines() if line.startswith(("//", " ", "\t")) or not line]
    assert "  var b=rnd(16);" in source and "\nvar b=rnd(16);\n" in once
