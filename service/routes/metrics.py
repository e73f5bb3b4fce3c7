"""GET /metrics: Prometheus exposition (prometheus-client).

Two kinds of figures:
- this process's HTTP traffic, counted by MetricsMiddleware: requests and latency by route template
  (never the raw path: endpoint keys are in paths) and status, ingest requests by source and outcome;
- the pipeline's figures, read from SQL at scrape time (monitoring.prometheus_snapshot(), one round
  trip): the dispatcher runs in other processes, so its counts and Meta latency come from the
  monitoring rollup, plus queue depths, breaker states, open dead letters and firing alerts.

With several API workers set PROMETHEUS_MULTIPROC_DIR (prometheus-client's multiprocess mode) so a
scrape adds up every worker's HTTP counters. METRICS_TOKEN, when set, is required as a bearer token; against a
hosted database it is required, so /metrics is closed until it is set (service.auth.operator_refusal).
"""

from __future__ import annotations

import logging
import os
import time
from collections import defaultdict

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily

from service.auth import operator_refusal
from service.errors import documented

router = APIRouter(tags=["operations"])
log = logging.getLogger("trackai.api")

HTTP_REQUESTS = Counter("trackai_http_requests", "HTTP requests by route template and status.",
                        ["method", "route", "status"])
HTTP_LATENCY = Histogram("trackai_http_request_duration_seconds", "HTTP request latency by route template.",
                         ["method", "route"],
                         buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
INGEST_REQUESTS = Counter("trackai_ingest_requests", "Ingest requests by source and outcome "
                          "(accepted 2xx, rejected 4xx, error 5xx).", ["source", "outcome"])

# route template -> ingest source
INGEST_ROUTES = {
    "/webhooks/{gateway}/{endpoint_key}": "gateway",  # the gateway named in the path, when it is one
    "/api/v1/orders": "utmify",
    "/collect": "collector",
    "/api/meta/conversions": "api",
    "/api/leads/capture": "api",
    "/api/purchases/record": "api",
    "/api/v1/conversions": "crm",
}

LATENCY_LE = (50, 100, 250, 500, 1000, 1500, 2000, 3000, 5000, 10000, 30000)  # bounds of monitoring.latency_bucket


def route_template(scope: dict) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


class MetricsMiddleware:
    """Pure ASGI: counts and times each request by route template, and writes one JSON log line per
    request (core.logs adds the request id, so a request's log line and its rows share it)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status = 500

        async def send_status(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            elapsed = time.perf_counter() - started
            route = route_template(scope)
            method = scope.get("method", "")
            HTTP_REQUESTS.labels(method, route, str(status)).inc()
            HTTP_LATENCY.labels(method, route).observe(elapsed)
            source = INGEST_ROUTES.get(route)
            if source == "gateway":
                source = scope.get("path_params", {}).get("gateway")
                if source not in (getattr(scope["app"].state, "gateways", None) or {}):
                    source = "unknown_gateway"  # a label per made-up name would grow without bound
            if source and method == "POST":
                outcome = "accepted" if status < 400 else "rejected" if status < 500 else "error"
                INGEST_REQUESTS.labels(source, outcome).inc()
            if route != "/metrics":
                log.info("request", extra={"method": method, "route": route, "status": status,
                                           "duration_ms": round(elapsed * 1000, 2)})


class _Snapshot:
    """The SQL figures of one scrape, as metric families."""

    def __init__(self, rows: list[tuple[str, dict, float]]):
        self.rows = rows

    def collect(self):
        by: dict[str, list[tuple[dict, float]]] = defaultdict(list)
        for metric, labels, value in self.rows:
            by[metric].append((labels or {}, float(value)))

        def gauge(name: str, doc: str, metric: str, keys: list[str]):
            fam = GaugeMetricFamily(name, doc, labels=keys)
            for labels, value in by.get(metric, []):
                fam.add_metric([str(labels.get(k, "")) for k in keys], value)
            return fam

        def counter(name: str, doc: str, metric: str, keys: list[str]):
            fam = CounterMetricFamily(name, doc, labels=keys)
            for labels, value in by.get(metric, []):
                fam.add_metric([str(labels.get(k, "")) for k in keys], value)
            return fam

        yield gauge("trackai_queue_depth", "Messages in each pgmq queue.", "queue_depth", ["queue"])
        yield gauge("trackai_queue_oldest_message_age_seconds", "Age of the oldest message of each queue.",
                    "queue_oldest_message_age_seconds", ["queue"])
        yield gauge("trackai_breakers", "Circuit breakers by scope and state.", "breakers",
                    ["scope", "state"])
        yield counter("trackai_dispatch_attempts", "Requests to Meta by outcome (monitoring rollup).",
                      "dispatch_attempts_total", ["outcome"])
        yield counter("trackai_dispatch_events", "Events carried by requests to Meta, by outcome.",
                      "dispatch_events_total", ["outcome"])
        yield gauge("trackai_events", "Events by source and current status.", "events", ["source", "status"])
        yield gauge("trackai_dead_letters_open", "Dead letters not replayed.", "dead_letters_open", [])
        yield gauge("trackai_alerts_firing", "Firing alerts by rule and severity.", "alerts_firing",
                    ["code", "severity"])
        # Meta latency histogram from the rollup's buckets (sum approximated by bucket upper bounds)
        raw = sorted((int(labels["le"]), value) for labels, value in by.get("meta_latency_ms_bucket", []))
        buckets = []
        for le in LATENCY_LE:
            total_le = sum(v for b, v in raw if b <= le)
            buckets.append((str(float(le)), total_le))
        total = sum(v for _, v in raw)
        approx_sum = sum(b * v for b, v in raw)
        buckets.append(("+Inf", total))
        hist = HistogramMetricFamily("trackai_meta_latency_ms", "Meta answer time (ms), all requests.")
        hist.add_metric([], buckets, approx_sum)
        yield hist


def _registry_output(rows) -> bytes:
    process = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        process = CollectorRegistry()
        multiprocess.MultiProcessCollector(process)
    snapshot = CollectorRegistry(auto_describe=False)
    snapshot.register(_Snapshot(rows))
    return generate_latest(process) + generate_latest(snapshot)


@router.get("/metrics", summary="Prometheus metrics", response_class=PlainTextResponse, responses=documented({
    200: {"description": "Prometheus text exposition format",
          "content": {"text/plain": {"schema": {"type": "string"}}}},
    401: {"description": "METRICS_TOKEN is set, or the database is hosted, and the bearer token is not it"}},
    "text/plain"))
async def metrics(request: Request) -> Response:
    if refusal := operator_refusal(request):
        raise refusal
    rows = []
    try:
        async with request.app.state.pool.connection(timeout=3) as conn:
            cur = await conn.execute("select metric, labels, value from monitoring.prometheus_snapshot()")
            rows = await cur.fetchall()
    except Exception as exc:  # the process figures still go out; the scrape says the database part failed
        log.warning("metrics snapshot failed", extra={"error": type(exc).__name__})
        rows = [("scrape_error", {}, 1.0)]
    return Response(_registry_output(rows), media_type=CONTENT_TYPE_LATEST)
