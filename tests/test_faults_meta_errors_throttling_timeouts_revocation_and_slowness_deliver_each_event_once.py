"""Meta misbehaving - a 5xx storm, throttling (codes 4, 17, 613, 80004), timeouts (Meta accepting what
our client gave up on), a token revoked mid-stream then saved again, slow answers: every event still
reaches the Meta fake, once by event_id, or again with the same event_id only where Meta had accepted a
copy whose answer we never got."""

from __future__ import annotations

import threading

import pytest

from bench.faults import assert_each_delivered_once, size
from core import tenants
from tests.dispatchutil import (
    dispatch_settings,
    drain,
    event_ids,
    keyring,
    meta_fake,
    new_pixel,
    new_tenant,
    new_token,
    record_events,
    set_delivery,
    statuses,
    worker,
)

pytestmark = pytest.mark.faults


# each fault starts on the fake and returns what heals it (called 1.5 s into the delivery)

def storm(fake, conn, company, pixel, token):
    fake.set_faults(error_rate=0.7, error_style="graph")
    return fake.clear_faults


def bare_503s(fake, conn, company, pixel, token):
    fake.set_faults(error_rate=0.7, error_style="bare")
    return fake.clear_faults


def throttling(fake, conn, company, pixel, token):
    for kind in ("throttle_4", "throttle_17", "throttle_613", "throttle_80004"):
        fake.fail_next(3, kind)
    fake.set_faults(throttle_rate=0.5, throttle_code=17)
    return fake.clear_faults


def timeouts(fake, conn, company, pixel, token):
    # the short form of Meta's 30 s: our client gives up after 0.3 s (META_TIMEOUT_S), Meta answers at 0.6 s
    fake.set_faults(timeout_s=0.6, timeout_rate=0.4)
    return fake.clear_faults


def revocation(fake, conn, company, pixel, token):
    fake.revoke_token(token)

    def save_a_new_token():
        fresh = new_token()
        fake.add_pixel(pixel, fresh)
        tenants.put_secret(conn, keyring(), company, "meta_capi_token", fresh)
    return save_a_new_token


def slow(fake, conn, company, pixel, token):
    fake.set_faults(latency_ms=(100, 600))
    return fake.clear_faults


@pytest.mark.parametrize("fault", [storm, bare_503s, throttling, timeouts, revocation, slow],
                         ids=lambda f: f.__name__)
def test_every_event_reaches_meta_once_whatever_meta_does(conn, dsn, fault):
    set_delivery(conn, backoff_s="{0.1,0.2,0.4}", jitter=0, breaker_cooldown="1 second",
                 probe_timeout="2 seconds")
    pixel, token = new_pixel(), new_token()
    company, _ = new_tenant(conn, pixel, token)
    n = size(300, 3000)
    pks = record_events(conn, company, n)
    with meta_fake((pixel, token)) as (fake, url):
        heal = fault(fake, conn, company, pixel, token)
        w = worker(dispatch_settings(dsn, url, meta_timeout_s=0.3 if fault is timeouts else 1.5))
        w.batch = 50  # many requests, so the fault meets many of them
        healer = threading.Timer(1.5, heal)
        healer.start()
        try:
            drain(w, dsn, lambda c: statuses(c, pks) == {"sent": n}, timeout_s=90)
        finally:
            healer.cancel()
        if fault is not slow:  # slow answers are 200s
            failed = conn.execute("select count(*) from delivery.attempts where company_id = %s"
                                  " and outcome <> 'sent'", (company,)).fetchone()[0]
            assert failed, "the fault never met a request"
        resent = assert_each_delivered_once(fake, conn, company, event_ids(conn, pks))
        if fault is not timeouts:
            assert resent == 0
