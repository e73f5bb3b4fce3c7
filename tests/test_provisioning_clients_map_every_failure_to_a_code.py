"""Every provider failure leaves the clients as ONE exception, ProviderError, with a code from the fixed
vocabulary the SQL rule table diagnoses: zone not found, bad tokens and keys, record conflicts, 429s
(with the provider's Retry-After), 5xx, a stuck or failed Stape container, a domain Stape cannot
verify, GTM 401/403/404, a GTM compilerError, timeouts and unreachable hosts. Messages never carry a
credential, and a POST that timed out is not sent twice."""

from __future__ import annotations

import socket

import pytest
from google.oauth2.credentials import Credentials

from jobs.providers import cloudflare
from jobs.providers.errors import CODES, ProviderError
from jobs.providers.gtm import GtmClient
from jobs.providers.stape import StapeClient
from tests import provisioningutil as pu

CONFIG = "aWQ9R1RNLUFCQ0RFRkcmZW52PTEmYXV0aD1zZXJ2ZXJjb250YWluZXJhdXRodG9rZW4xMjM0NTY3OA=="
SECRETS = (pu.CF_TOKEN, pu.STAPE_KEY, pu.SA_TOKEN, "wrong-token", "wrong-key")
seen: set[str] = set()


async def fails(code: str, awaitable) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        await awaitable
    err = caught.value
    assert err.code == code, err
    assert not any(s in err.message or s in str(err) for s in SECRETS)
    seen.add(code)
    return err


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture(scope="module")
def p():
    with pu.running(deploy_delay_s=0.1) as providers:
        yield providers


@pytest.fixture(autouse=True)
def no_faults(p):
    yield
    for fake in (p.cf, p.stape, p.gtm):
        fake.clear_faults()


async def test_cloudflare_failures(p):
    cf = p.cloudflare()
    await fails("cloudflare.zone_not_found", cloudflare.find_zone(cf, "track.unknown.com"))
    other_zone = p.cf.add_zone("other.com", "other-token")
    await fails("cloudflare.zone_not_found", cloudflare.find_zone(cf, "track.other.com"))  # not in its scope
    await fails("cloudflare.unauthorized", cloudflare.ensure_cname(cf, other_zone, "track.other.com", "x.stape.io"))
    await fails("cloudflare.unauthorized", cloudflare.find_zone(p.cloudflare("wrong-token"), pu.HOST))
    p.cf.add_record(p.zone_id, "A", "a.customer.com", "192.0.2.1")
    await fails("cloudflare.record_conflict", cloudflare.ensure_cname(cf, p.zone_id, "a.customer.com", "x.stape.io"))
    # a proxied CNAME is not a failure: it is switched to DNS only (reference §1.4)
    proxied = p.cf.add_record(p.zone_id, "CNAME", "proxied.customer.com", "x.stape.io", proxied=True)
    fixed = await cloudflare.ensure_cname(cf, p.zone_id, "proxied.customer.com", "x.stape.io")
    assert fixed == {"record_id": proxied["id"], "created": False, "updated": True}
    assert p.cf.cname_targets("proxied.customer.com") == ["x.stape.io"]
    await fails("cloudflare.invalid_request", cloudflare.ensure_cname(cf, p.zone_id, pu.HOST, "not a host"))
    p.cf.fail_next(1, "rate_limited", retry_after=42)
    err = await fails("cloudflare.rate_limited", cloudflare.find_zone(cf, pu.HOST))
    assert (err.status, err.retry_after) == (429, 42.0)
    p.cf.fail_next(1, "server_error")
    await fails("cloudflare.unavailable", cloudflare.find_zone(cf, pu.HOST))
    p.cf.fail_next(1, "timeout", timeout_s=2)
    await fails("network.timeout", cloudflare.find_zone(p.cloudflare(timeout_s=0.3), pu.HOST))
    unreachable = cloudflare.make_client(pu.CF_TOKEN, base_url=closed_port_url() + "/client/v4", max_retries=0)
    await fails("network.unreachable", cloudflare.find_zone(unreachable, pu.HOST))
    assert p.cf.created["dns_record"] == 0


async def test_stape_failures(p):
    stape = p.stape_client()
    await fails("stape.unauthorized", p.stape_client("wrong-key").ensure_container("t", CONFIG, "eu"))
    err = await fails("stape.invalid_request", stape.ensure_container("t", CONFIG[:40], "eu"))
    assert err.status == 400 and "code" in err.message
    await fails("stape.invalid_request", stape.ensure_container("t", CONFIG, "mars"))

    p.stape.stick_containers()
    stuck = await stape.ensure_container("stuck", CONFIG, "eu")
    err = await fails("stape.container_stuck", stape.wait_running(stuck["identifier"], timeout_s=0.4, interval_s=0.1))
    assert "deploying" in err.message
    p.stape.stick_containers(False)
    assert (await stape.wait_running(stuck["identifier"], timeout_s=2, interval_s=0.05))["status"] == "running"
    failing = await stape.ensure_container("failing", CONFIG, "eu")
    p.stape.fail_containers()
    await fails("stape.container_failed", stape.wait_running(failing["identifier"], timeout_s=5, interval_s=0.05))

    domain = await stape.ensure_domain(stuck["identifier"], "nodns.customer.com")
    err = await fails("stape.domain_not_ready",
                      stape.wait_domain_ready(stuck["identifier"], domain["identifier"], timeout_s=0.3, interval_s=0.1))
    assert domain["cname_target"] in err.message

    p.stape.fail_next(4, "rate_limited", retry_after=0)
    err = await fails("stape.rate_limited", stape.get_container(stuck["identifier"]))
    assert (err.status, err.retry_after) == (429, 0.0)
    p.stape.fail_next(3, "rate_limited", retry_after=0)  # fewer than the retries: it gets through
    assert (await stape.get_container(stuck["identifier"]))["status"] == "running"
    p.stape.fail_next(4, "unavailable")
    await fails("stape.unavailable", stape.get_container(stuck["identifier"]))

    posts = len([r for r in p.stape.requests() if r["method"] == "POST" and r["path"].endswith("/containers")])
    p.stape.fail_next(1, "timeout", timeout_s=1, method="POST")
    await fails("network.timeout", p.stape_client(timeout_s=0.3).ensure_container("slow", CONFIG, "eu"))
    sent = [r for r in p.stape.requests() if r["method"] == "POST" and r["path"].endswith("/containers")]
    assert len(sent) == posts  # the timed-out POST is still being answered; nothing was re-sent
    await fails("network.unreachable", StapeClient(pu.STAPE_KEY, closed_port_url() + "/api/v2",
                                                   backoff_s=0.01).ensure_container("t", CONFIG, "eu"))


async def test_gtm_failures(p):
    gtm = p.gtm_client()
    await fails("gtm.unauthorized", p.gtm_client("wrong-token").check_access())  # 401
    p.gtm.add_token("not-a-user", "6000000999")
    p.gtm.add_account("6000000999")
    await fails("gtm.unauthorized", p.gtm_client("not-a-user").check_access())  # 403
    await fails("gtm.account_not_found", p.gtm_client(account_id="123").check_access())
    await fails("gtm.account_not_found", p.gtm_client(account_id="123").ensure_server_container("s"))

    p.gtm.fail_next(3, "rate_limited", retry_after=0)
    err = await fails("gtm.rate_limited", gtm.check_access())
    assert err.status == 429
    p.gtm.fail_next(2, "rate_limited", retry_after=0)  # fewer than the retries: it gets through
    assert (await gtm.check_access())["account_id"] == pu.GTM_ACCOUNT
    p.gtm.fail_next(3, "server_error")
    await fails("gtm.unavailable", gtm.check_access())

    # someone left a tag on a deleted trigger in the web container's workspace: nothing can publish
    made = await gtm.ensure_web_container("broken web", pu.PIXEL_ID, pu.COLLECTOR_URL, pu.SERVER_URL)
    wss = p.gtm_service().accounts().containers().workspaces()
    ws = wss.list(parent=f"accounts/{pu.GTM_ACCOUNT}/containers/{made['container_id']}").execute()["workspace"][0]
    wss.tags().create(parent=ws["path"], body={"name": "leftover", "type": "html", "firingTriggerId": ["424242"],
                                               "parameter": [{"type": "template", "key": "html", "value": "<i>"}]}
                      ).execute()
    err = await fails("gtm.compiler_error",
                      gtm.ensure_web_container("broken web", pu.PIXEL_ID, pu.COLLECTOR_URL, "https://new.customer.com"))
    assert "broken web" in err.message
    await fails("gtm.invalid_request", gtm.ensure_web_container("bad pixel", "not-a-pixel", pu.COLLECTOR_URL,
                                                                pu.SERVER_URL))
    await fails("gtm.invalid_request", gtm.ensure_server_container("broken web"))  # a web container's name

    p.gtm.fail_next(3, "timeout", timeout_s=2)  # a read is tried 1 + 2 times
    await fails("network.timeout", p.gtm_client(timeout_s=0.3).check_access())
    await fails("network.unreachable", GtmClient(Credentials(pu.SA_TOKEN), pu.GTM_ACCOUNT, api_url=closed_port_url(),
                                                 qps=pu.FAST_QPS, retries=0).check_access())


def test_every_code_of_the_vocabulary_was_produced():
    assert seen == CODES
