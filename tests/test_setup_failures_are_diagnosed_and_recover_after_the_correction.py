"""Each failure mode of the fakes yields its diagnosis (code, field to fix, whether it retries by itself)
and the session recovers after the correction, with no manual clean-up."""

from __future__ import annotations

import httpx
import pytest

from tests import setuputil
from tests.apiutil import postback
from tests.setuputil import step


@pytest.fixture(scope="module")
def w(dsn):
    with setuputil.world(dsn) as world:
        yield world


def start(w, token, **fields) -> str:
    # one company and one tracking domain per test: sessions share the fakes
    fields.setdefault("tracking_domain", f"t{token[-6:].lower().replace('_', '0').replace('-', '0')}.{setuputil.ZONE}")
    r = w.call("POST", "/sessions", token, json=w.fields(company_name=f"Loja {token[-6:]}", **fields))
    assert r.status_code == 201, r.text
    return r.json()["session_id"]


def failed_with(w, sid, token, name, code, status="failed") -> dict:
    report = w.wait(sid, token, lambda s: step(s, name)["status"] == status
                    and (step(s, name)["diagnosis"] or {}).get("code") == code)
    return step(report, name)


def succeeded(w, sid, token, name) -> dict:
    return step(w.wait(sid, token, lambda s: step(s, name)["status"] == "succeeded"), name)


def test_an_invalid_meta_token_is_diagnosed_and_a_new_token_fixes_it(w):
    token = w.user_token()
    sid = start(w, token, meta_access_token="EAAthisTokenWasRevoked0000000")
    bad = failed_with(w, sid, token, "validate_meta", "meta.token_invalid")
    assert bad["diagnosis"]["field"] == "meta_access_token" and not bad["diagnosis"]["retries_by_itself"]
    assert w.status(sid, token)["status"] == "needs_attention"
    r = w.call("PATCH", f"/sessions/{sid}", token, json={"meta_access_token": setuputil.META_TOKEN})
    assert sorted(r.json()["rerun"]) == ["provision_gtm_web", "render_snippet", "test_event", "validate_meta"]
    assert succeeded(w, sid, token, "validate_meta")["result"]["pixel_id"] == setuputil.PIXEL


def test_a_pixel_the_token_cannot_see_is_diagnosed_and_the_right_pixel_fixes_it(w):
    token = w.user_token()
    sid = start(w, token, pixel_id="111111111111111")
    bad = failed_with(w, sid, token, "validate_meta", "meta.pixel_not_accessible")
    assert bad["diagnosis"]["field"] == "pixel_id"
    r = w.call("PATCH", f"/sessions/{sid}", token, json={"pixel_id": setuputil.PIXEL})
    assert "provision_gtm_web" in r.json()["rerun"] and "validate_gateway" not in r.json()["rerun"]
    succeeded(w, sid, token, "validate_meta")


def test_a_postback_with_another_token_is_a_mismatch_until_the_token_is_corrected(w):
    token = w.user_token()
    sid = start(w, token, gateway_secret="the-token-the-lead-typed")
    succeeded(w, sid, token, "validate_gateway")
    webhook = w.status(sid, token)["webhook_url"]
    # Perfect Pay posts with the token that is really in the account
    assert httpx.post(webhook, json=postback(token=setuputil.PP_TOKEN)).status_code == 401
    bad = failed_with(w, sid, token, "validate_gateway", "gateway.token_mismatch")
    assert bad["diagnosis"]["field"] == "gateway_secret"
    w.call("PATCH", f"/sessions/{sid}", token, json={"gateway_secret": setuputil.PP_TOKEN})
    succeeded(w, sid, token, "validate_gateway")
    assert httpx.post(webhook, json=postback(code="PPAFTERFIX1", token=setuputil.PP_TOKEN)).status_code == 200


def test_a_landing_page_without_the_snippet_passes_once_it_is_installed(w):
    token = w.user_token()
    sid = start(w, token)
    bad = failed_with(w, sid, token, "validate_landing", "landing.snippet_missing")
    assert "snippet" in bad["diagnosis"]["next_action"]
    w.install_snippet(sid, token)
    rerun = w.call("POST", f"/sessions/{sid}/validate", token).json()["rerun"]
    assert "validate_landing" in rerun and "validate_meta" not in rerun
    assert succeeded(w, sid, token, "validate_landing")["result"]["via"] == "snippet"


def test_a_zone_missing_from_cloudflare_is_diagnosed_and_a_corrected_domain_fixes_it(w):
    token = w.user_token()
    sid = start(w, token, tracking_domain="track.not-in-cloudflare.com.br")
    bad = failed_with(w, sid, token, "validate_cloudflare", "cloudflare.zone_not_found")
    assert bad["diagnosis"]["field"] == "tracking_domain"
    w.call("PATCH", f"/sessions/{sid}", token, json={"tracking_domain": f"fixed.{setuputil.ZONE}"})
    succeeded(w, sid, token, "provision_dns")


def test_a_stuck_stape_container_retries_by_itself_until_it_runs(w):
    token = w.user_token()
    w.stape.stick_containers()
    try:
        sid = start(w, token)
        stuck = failed_with(w, sid, token, "provision_stape", "stape.container_stuck", status="retrying")
        assert stuck["diagnosis"]["retries_by_itself"] and stuck["next_attempt_at"]
    finally:
        w.stape.stick_containers(False)
    succeeded(w, sid, token, "provision_stape")


def test_a_gtm_rate_limit_retries_by_itself(w):
    token = w.user_token()
    w.gtm.fail_next(50, "rate_limited")
    try:
        sid = start(w, token)
        limited = failed_with(w, sid, token, "validate_gtm_access", "gtm.rate_limited", status="retrying")
        assert limited["diagnosis"]["retries_by_itself"]
    finally:
        w.gtm.clear_faults()
    succeeded(w, sid, token, "validate_gtm_access")
