"""Steps that may overlap do overlap, shown from the steps' own timestamps: the five validations run
together, and the GTM web container is built while the server branch (GTM server -> Stape -> DNS) is
still going."""

from __future__ import annotations

from datetime import datetime

from tests import setuputil
from tests.setuputil import step


def span(report: dict, name: str) -> tuple[datetime, datetime]:
    s = step(report, name)
    return datetime.fromisoformat(s["started_at"]), datetime.fromisoformat(s["finished_at"])


def overlap(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def test_validations_overlap_and_the_web_container_is_built_beside_the_server_branch(dsn):
    # a slow landing page and a slow Stape deploy make the windows wide enough to see
    with setuputil.world(dsn) as w:
        w.stape.deploy_delay_s = 1.5
        w.landing.delay_s = 1.0
        w.cf.fail_next(1, "timeout", timeout_s=1.0)
        token = w.user_token()
        sid = w.call("POST", "/sessions", token, json=w.fields()).json()["session_id"]
        report = w.wait(sid, token, lambda s: all(step(s, n)["finished_at"] for n in (
            "validate_meta", "validate_gateway", "validate_landing", "validate_cloudflare", "validate_gtm_access",
            "provision_gtm_web", "provision_stape")))
        landing = span(report, "validate_landing")
        assert overlap(landing, span(report, "validate_cloudflare"))
        for other in ("validate_meta", "validate_gateway", "validate_gtm_access"):
            assert span(report, other)[0] < landing[1], f"{other} did not wait for the landing page"
        assert overlap(span(report, "provision_gtm_web"), span(report, "provision_stape"))
        # and the dependency order held: server container before Stape before DNS
        assert span(report, "provision_gtm_server")[1] <= span(report, "provision_stape")[0]
