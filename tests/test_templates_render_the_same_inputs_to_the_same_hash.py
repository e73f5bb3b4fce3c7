"""jobs.templates.render is pure: the same inputs (in any key order, defaults spelled out or not) give
the same body and SHA-256, different inputs a different one, and inputs a template cannot take a
TemplateInputError that names the field. Webhook instructions exist for each gateway with a template
file, and only for those."""

from __future__ import annotations

import json

import pytest

from jobs.templates import TemplateInputError, render

# the shape of jobs.setup_steps.checkouts (rows of tracking.gateways)
CHECKOUTS = {"perfectpay": {"hosts": ["go.perfectpay.com.br"], "params": ["src"]},
             "mercadopago": {"hosts": ["mpago.la", "mercadopago.com.br"], "params": ["src"]},
             "hotmart": {"hosts": ["pay.hotmart.com"], "params": ["xcod", "sck"]}}
SNIPPET = {"pixel_id": "123456789012345", "collector_url": "https://api.trackai.com.br/collect",
           "collector_key": "co_Abc123_def456-ghi789", "gateway": "perfectpay", "checkouts": CHECKOUTS,
           "checkout_hosts": ["pagamento.loja.com.br", "checkout.loja.com.br"]}
INPUTS = {
    "landing_snippet": SNIPPET,
    "webhook_instructions": {"gateway": "mercadopago",
                             "webhook_url": "https://api.trackai.com.br/webhooks/mercadopago/me_x1",
                             "checkout_hosts": ["mpago.la", "mercadopago.com.br"], "visitor_params": ["src"]},
}


@pytest.mark.parametrize("kind", INPUTS)
def test_the_same_inputs_in_any_order_give_the_same_body_and_hash(kind):
    first = render(kind, INPUTS[kind])
    again = render(kind, dict(reversed(list(INPUTS[kind].items()))))
    assert (again.body, again.sha256) == (first.body, first.sha256)
    assert len(first.sha256) == 64 and first.kind == kind
    assert json.loads(json.dumps(first.inputs)) == first.inputs  # storable as jsonb


@pytest.mark.parametrize("kind", INPUTS)
def test_defaults_spelled_out_give_the_same_hash(kind):
    first = render(kind, INPUTS[kind])
    explicit = render(kind, first.inputs)
    assert explicit.sha256 == first.sha256
    hosts = list(reversed(first.inputs["checkout_hosts"]))  # order and case do not matter
    assert render(kind, {**INPUTS[kind], "checkout_hosts": [h.upper() for h in hosts]}).sha256 == first.sha256


def test_the_order_of_gateways_hosts_and_params_does_not_matter():
    first = render("landing_snippet", SNIPPET)
    shuffled = {gateway: {"params": list(reversed(c["params"])), "hosts": [h.upper() for h in reversed(c["hosts"])]}
                for gateway, c in reversed(list(CHECKOUTS.items()))}
    assert render("landing_snippet", {**SNIPPET, "checkouts": shuffled}).sha256 == first.sha256
    with_none = {**CHECKOUTS, "utmify": {"hosts": [], "params": ["src", "sck"]}}  # no checkout: nothing to decorate
    assert render("landing_snippet", {**SNIPPET, "checkouts": with_none}).body == first.body


@pytest.mark.parametrize(("kind", "change"), [
    ("landing_snippet", {"pixel_id": "1234567890123456"}),
    ("landing_snippet", {"collector_key": "co_other_key_123"}),
    ("landing_snippet", {"collector_url": "http://127.0.0.1:8000/collect"}),
    ("landing_snippet", {"gateway": "hotmart"}),  # the company's own hosts get sck and xcod
    ("landing_snippet", {"checkout_hosts": ["pay.loja.com.br"]}),
    ("landing_snippet", {"checkouts": {**CHECKOUTS, "kiwify": {"hosts": ["pay.kiwify.com.br"], "params": ["sck"]}}}),
    ("landing_snippet", {"checkouts": {**CHECKOUTS, "hotmart": {"hosts": ["pay.hotmart.com"], "params": ["xcod"]}}}),
    ("landing_snippet", {"pixel_script_url": "http://localhost:9000/fbevents.js"}),
    ("webhook_instructions", {"gateway": "perfectpay"}),
    ("webhook_instructions", {"webhook_url": "https://api.trackai.com.br/webhooks/mercadopago/me_x2"}),
    ("webhook_instructions", {"checkout_hosts": ["pagamento.loja.com.br"]}),
])
def test_different_inputs_give_a_different_body_and_hash(kind, change):
    base, other = render(kind, INPUTS[kind]), render(kind, {**INPUTS[kind], **change})
    assert other.sha256 != base.sha256 and other.body != base.body
    assert all(other.inputs[k] == (v if k != "checkout_hosts" else sorted(v)) for k, v in change.items()
               if k != "checkouts")


@pytest.mark.parametrize(("kind", "change", "field"), [
    ("landing_snippet", {"pixel_id": "12345678901234"}, "pixel_id"),
    ("landing_snippet", {"pixel_id": "12345678901234567"}, "pixel_id"),
    ("landing_snippet", {"pixel_id": 123456789012345}, "pixel_id"),
    ("landing_snippet", {"pixel_id": "12345678901234x"}, "pixel_id"),
    ("landing_snippet", {"pixel_id": None}, "pixel_id"),
    ("landing_snippet", {"collector_url": "http://api.trackai.com.br/collect"}, "collector_url"),
    ("landing_snippet", {"collector_url": "javascript:alert(1)"}, "collector_url"),
    ("landing_snippet", {"collector_url": "https://api.trackai.com.br/collect?key=x"}, "collector_url"),
    ("landing_snippet", {"collector_url": "https://user:pw@api.trackai.com.br/collect"}, "collector_url"),
    ("landing_snippet", {"collector_url": 'https://api.trackai.com.br/"</script>'}, "collector_url"),
    ("landing_snippet", {"collector_key": "co_'+alert(1)+'"}, "collector_key"),
    ("landing_snippet", {"collector_key": "short"}, "collector_key"),
    ("landing_snippet", {"gateway": "kiwify"}, "gateway"),  # not one of the checkouts
    ("landing_snippet", {"checkout_hosts": ["go.perfectpay.com.br/path"]}, "checkout_hosts"),
    ("landing_snippet", {"checkout_hosts": ["127.0.0.1"]}, "checkout_hosts"),
    ("landing_snippet", {"checkout_hosts": "mpago.la"}, "checkout_hosts"),
    ("landing_snippet", {"checkouts": None}, "checkouts"),
    ("landing_snippet", {"checkouts": {}}, "checkouts"),
    ("landing_snippet", {"checkouts": {"Hot Mart": {"hosts": [], "params": ["sck"]}}}, "checkouts"),
    ("landing_snippet", {"checkouts": {**CHECKOUTS, "hotmart": {"hosts": ["pay.hotmart.com/x"], "params": ["sck"]}}},
     "checkouts"),
    ("landing_snippet", {"checkouts": {**CHECKOUTS, "hotmart": {"hosts": [], "params": ['sck"+alert(1)+"']}}},
     "checkouts"),
    ("landing_snippet", {"checkouts": {**CHECKOUTS, "hotmart": {"hosts": [], "params": ["x" * 31]}}}, "checkouts"),
    ("landing_snippet", {"checkouts": {**CHECKOUTS, "hotmart": {"hosts": []}}}, "checkouts"),
    ("landing_snippet", {"pixel_script_url": "http://cdn.example.com/fbevents.js"}, "pixel_script_url"),
    ("landing_snippet", {"sgtm_url": "https://track.loja.com.br"}, "sgtm_url"),
    ("webhook_instructions", {"webhook_url": "ftp://api.trackai.com.br/x"}, "webhook_url"),
    ("webhook_instructions", {"gateway": None}, "gateway"),
    ("webhook_instructions", {"gateway": "shopify"}, "gateway"),  # no instructions file
    ("webhook_instructions", {"visitor_params": ["src&x=1"]}, "visitor_params"),
    ("webhook_instructions", {"visitor_params": None}, "visitor_params"),
])
def test_inputs_a_template_cannot_take_are_refused_naming_the_field(kind, change, field):
    with pytest.raises(TemplateInputError) as refused:
        render(kind, {**INPUTS[kind], **change})
    assert refused.value.field == field


def test_missing_inputs_and_unknown_kinds_are_refused():
    for field in set(SNIPPET) - {"checkout_hosts"}:  # the company's own checkout hosts are optional
        with pytest.raises(TemplateInputError) as refused:
            render("landing_snippet", {k: v for k, v in SNIPPET.items() if k != field})
        assert refused.value.field == field
    with pytest.raises(TemplateInputError) as refused:
        render("email_footer", SNIPPET)
    assert refused.value.field == "kind"
