"""GET /metrics (Prometheus): HTTP requests and latency by route template and status (never the raw
path, which carries endpoint keys), ingest requests by source and outcome, and - read from SQL at
scrape time because the dispatcher is another process - dispatch counts, Meta latency, queue depths,
breaker states, open dead letters and firing alerts. METRICS_TOKEN, when set, guards it."""

from __future__ import annotations

import uuid

from prometheus_client.parser import text_string_to_metric_families

from tests.apiutil import api_client, make_tenant, postback
from tests.monitoringutil import add_attempts


def scrape(client, **headers) -> dict[tuple[str, tuple], float]:
    r = client.get("/metrics", headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    out = {}
    for fam in text_string_to_metric_families(r.text):
        for s in fam.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_count_requests_ingest_and_read_the_pipeline_from_sql(conn, dsn):
    t = make_tenant(dsn)
    route = "/webhooks/{gateway}/{endpoint_key}"
    with api_client(dsn) as client:
        before = scrape(client)
        ok = client.post(f"/webhooks/perfectpay/{t.perfectpay_key}", json=postback(code=f"PP{uuid.uuid4().hex[:8]}"))
        bad = client.post(f"/webhooks/perfectpay/{t.perfectpay_key}", json=postback(token="wrong-token"))
        made_up = client.post(f"/webhooks/made-up-{uuid.uuid4().hex[:6]}/key", json={})
        assert (ok.status_code, bad.status_code, made_up.status_code) == (200, 401, 404)
        client.get(f"/no/such/{t.perfectpay_key}")
        add_attempts(conn, t.company_id, t.destination_id, 4, "sent", latency_ms=180)
        add_attempts(conn, t.company_id, t.destination_id, 1, "retry", latency_ms=2500, error_code=2)
        after = scrape(client)

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("trackai_http_requests_total", method="POST", route=route, status="200") == 1
    assert delta("trackai_http_requests_total", method="POST", route=route, status="401") == 1
    assert delta("trackai_http_requests_total", method="GET", route="unmatched", status="404") == 1
    assert not any(t.perfectpay_key in str(k) for k in after), "a raw path leaked into a label"
    assert delta("trackai_http_request_duration_seconds_count", method="POST", route=route) == 3
    assert delta("trackai_ingest_requests_total", source="perfectpay", outcome="accepted") == 1
    assert delta("trackai_ingest_requests_total", source="perfectpay", outcome="rejected") == 1
    # a gateway name nobody knows is one label, not one per name
    assert delta("trackai_ingest_requests_total", source="unknown_gateway", outcome="rejected") == 1
    assert not any("made-up" in str(k) for k in after)

    # from SQL: exact figures of this database
    assert value(after, "trackai_dispatch_attempts_total", outcome="sent") == 4
    assert value(after, "trackai_dispatch_attempts_total", outcome="retry") == 1
    assert value(after, "trackai_dispatch_events_total", outcome="sent") == 4
    assert value(after, "trackai_meta_latency_ms_bucket", le="250.0") == 4
    assert value(after, "trackai_meta_latency_ms_bucket", le="3000.0") == 5
    assert value(after, "trackai_meta_latency_ms_count") == 5
    depth = conn.execute("select count(*) from pgmq.q_dispatch").fetchone()[0]
    assert depth >= 1 and value(after, "trackai_queue_depth", queue="dispatch") == depth
    assert ("trackai_queue_oldest_message_age_seconds", (("queue", "dispatch"),)) in after
    assert value(after, "trackai_breakers", scope="meta", state="closed") == 1
    assert value(after, "trackai_events", source="perfectpay", status="queued") == 1


def test_metrics_token_is_required_when_set(dsn):
    with api_client(dsn, metrics_token="s3cret-scrape-token") as client:
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 401
        scrape(client, Authorization="Bearer s3cret-scrape-token")
