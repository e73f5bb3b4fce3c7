"""Every gateway of tracking.gateways has its webhook instructions: a Portuguese section then an English
one, each with the session's webhook URL (the Utmify format's /api/v1/orders), the parameter that carries
the visitor id back (tracking.gateways.visitor_params), the credential's name, and what the platform's own
test does (a test event in Meta's Test Events tool, never a live one)."""

from __future__ import annotations

import dataclasses

import pytest

from core.settings import load
from core.urls import webhook_url
from jobs.templates import render


def gateways(conn) -> list[tuple]:
    return conn.execute("select gateway, checkout_hosts, visitor_params from tracking.gateways"
                        " order by gateway").fetchall()


def test_every_gateway_has_instructions_in_both_languages(conn):
    settings = dataclasses.replace(load(), public_url="https://api.trackai.com.br")
    rows = gateways(conn)
    assert len(rows) >= 10
    for gateway, hosts, visitor_params in rows:
        url = webhook_url(settings, {"gateway": gateway, "webhook_key": "wh_Abc123def456"})
        inputs = {"gateway": gateway, "webhook_url": url, "checkout_hosts": hosts, "visitor_params": visitor_params}
        body = " ".join(render("webhook_instructions", inputs).body.split())  # as read, not as wrapped
        assert body.count("## Português") == 1 and body.count("## English") == 1, gateway
        pt, en = body.split("## English")
        assert "## Português" in pt
        for section in (pt, en):
            assert f"`{url}`" in section, gateway
            for param in visitor_params:
                assert f"{param}=<" in section or f".{param}`" in section, (gateway, param)
            for host in hosts:
                assert host in section, (gateway, host)
        if gateway not in ("perfectpay", "mercadopago"):  # their tests: Track AI's postback, MP's Simulate button
            assert "Eventos de Teste" in pt and "Test Events" in en, gateway
            assert "nunca como venda real" in pt and "never as a live sale" in en, gateway
    utmify = webhook_url(settings, {"gateway": "utmify", "webhook_key": "wh_Abc123def456"})
    assert utmify == "https://api.trackai.com.br/api/v1/orders"


@pytest.mark.parametrize(("gateway", "where"), [
    ("hotmart", "X-HOTMART-HOTTOK"), ("hotmart", "2.0.0"), ("hotmart", "PURCHASE_OUT_OF_SHOPPING_CART"),
    ("kiwify", "?signature="), ("kiwify", "carrinho_abandonado"), ("kiwify", "John Doe"),
    ("eduzz", "x-signature"), ("eduzz", "myeduzz.invoice_paid"), ("eduzz", "ping"),
    ("monetizze", "Ferramentas → Postback"), ("monetizze", "chave_unica"), ("monetizze", "X-Wing"),
    ("braip", "basic_authentication"), ("braip", "não está confirmado"),
    ("kirvano", "Security-Token"), ("kirvano", "?token="), ("kirvano", "não está confirmado"),
    ("ticto", "`token`"), ("ticto", "não confirmado"),
    ("utmify", "x-api-token"), ("utmify", "isTest"),
])
def test_each_platforms_instructions_say_where_its_credential_and_test_are(gateway, where):
    body = " ".join(render("webhook_instructions", {"gateway": gateway, "webhook_url": "https://api.trackai.com.br/x",
                                                    "checkout_hosts": ["pay.example.com"],
                                                    "visitor_params": ["src"]}).body.split())
    assert where in body
