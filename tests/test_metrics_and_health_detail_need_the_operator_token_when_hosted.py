"""Against a hosted database, or whenever METRICS_TOKEN is set, /metrics needs the token as a bearer and
/health tells anyone else only ok / degraded (with its 200 / 503), not which part is down, migration names
or queue depths. A local stack without a token keeps both open (make run)."""

from __future__ import annotations

import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from tests.apiutil import api_client

TOKEN = "operator-scrape-token-0001"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


def _hosted(dsn: str) -> str:
    """The same test database, named as a hosted one would be (no @127.0.0.1: / @localhost: in the URL)."""
    return make_conninfo(**conninfo_to_dict(dsn))  # host=... port=... form


def test_hosted_without_a_token_metrics_are_closed_and_health_is_minimal(dsn):
    with api_client(_hosted(dsn), run_ingest=False) as client:
        assert client.app.state.settings.is_hosted
        r = client.get("/metrics")
        assert r.status_code == 401 and r.json()["error"]["code"] == "metrics_token_not_set"
        assert "METRICS_TOKEN" in r.json()["error"]["message"]
        health = client.get("/health")
        assert health.status_code in (200, 503) and set(health.json()) == {"status"}


@pytest.mark.parametrize("hosted", [True, False], ids=["hosted", "local-with-a-token"])
def test_with_a_token_only_its_bearer_reads_the_detail(dsn, hosted):
    with api_client(_hosted(dsn) if hosted else dsn, run_ingest=False, metrics_token=TOKEN) as client:
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert client.get("/metrics", headers=BEARER).status_code == 200
        anonymous, operator = client.get("/health"), client.get("/health", headers=BEARER)
        assert set(anonymous.json()) == {"status"}
        assert anonymous.status_code == operator.status_code
        assert {"status", "down", "parts"} == set(operator.json()) and "pgmq" in operator.json()["parts"]


def test_a_local_stack_without_a_token_stays_open(dsn):
    with api_client(dsn, run_ingest=False) as client:
        assert not client.app.state.settings.is_hosted
        assert client.get("/metrics").status_code == 200
        assert "parts" in client.get("/health").json()
