"""jobs.templates.render is pure: the same inputs (in any key order, defaults spelled out or not) give
the same body and SHA-256, different inputs a different one, and inputs a template cannot take a
TemplateInputError that names the field."""

from __future__ import annotations

import json

import pytest

from jobs.templates import TemplateInputError, render

SNIPPET = {"pixel_id": "123456789012345", "collector_url": "https://api.trackai.com.br/collect",
           "collector_key": "co_Abc123_def456-ghi789", "gateway": "perfectpay"}
INPUTS = {
    "landing_snippet": SNIPPET,
    "webhook_instructions": {"gateway": "mercadopago",
                             "webhook_url": "https://api.trackai.com.br/webhooks/mercadopago/me_x1"},
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


@pytest.mark.parametrize(("kind", "change"), [
    ("landing_snippet", {"pixel_id": "1234567890123456"}),
    ("landing_snippet", {"collector_key": "co_other_key_123"}),
    ("landing_snippet", {"collector_url": "http://127.0.0.1:8000/collect"}),
    ("landing_snippet", {"gateway": "mercadopago"}),
    ("landing_snippet", {"checkout_hosts": ["pay.loja.com.br"]}),
    ("landing_snippet", {"pixel_script_url": "http://localhost:9000/fbevents.js"}),
    ("webhook_instructions", {"gateway": "perfectpay"}),
    ("webhook_instructions", {"webhook_url": "https://api.trackai.com.br/webhooks/mercadopago/me_x2"}),
])
def test_different_inputs_give_a_different_body_and_hash(kind, change):
    base, other = render(kind, INPUTS[kind]), render(kind, {**INPUTS[kind], **change})
    assert other.sha256 != base.sha256 and other.body != base.body
    assert all(other.inputs[k] == (v if k != "checkout_hosts" else sorted(v)) for k, v in change.items())


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
    ("landing_snippet", {"gateway": "hotmart"}, "gateway"),
    ("landing_snippet", {"checkout_hosts": ["go.perfectpay.com.br/path"]}, "checkout_hosts"),
    ("landing_snippet", {"checkout_hosts": ["127.0.0.1"]}, "checkout_hosts"),
    ("landing_snippet", {"checkout_hosts": []}, "checkout_hosts"),
    ("landing_snippet", {"checkout_hosts": "mpago.la"}, "checkout_hosts"),
    ("landing_snippet", {"pixel_script_url": "http://cdn.example.com/fbevents.js"}, "pixel_script_url"),
    ("landing_snippet", {"sgtm_url": "https://track.loja.com.br"}, "sgtm_url"),
    ("webhook_instructions", {"webhook_url": "ftp://api.trackai.com.br/x"}, "webhook_url"),
    ("webhook_instructions", {"gateway": None}, "gateway"),
])
def test_inputs_a_template_cannot_take_are_refused_naming_the_field(kind, change, field):
    with pytest.raises(TemplateInputError) as refused:
        render(kind, {**INPUTS[kind], **change})
    assert refused.value.field == field


def test_missing_inputs_and_unknown_kinds_are_refused():
    for field in SNIPPET:
        with pytest.raises(TemplateInputError) as refused:
            render("landing_snippet", {k: v for k, v in SNIPPET.items() if k != field})
        assert refused.value.field == field
    with pytest.raises(TemplateInputError) as refused:
        render("email_footer", SNIPPET)
    assert refused.value.field == "kind"
