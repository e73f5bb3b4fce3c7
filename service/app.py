"""The FastAPI application: receives HTTP and hands everything to SQL functions."""

from __future__ import annotations

import gc
import json
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute
from psycopg_pool import AsyncConnectionPool

from core import logs
from core import sentry as sentry_setup
from core.request_context import pick_request_id, request_id_var
from core.settings import Settings, load
from service import errors
from service.hot_routes import HotRoutes
from service.routes import admin, health, ingest
from service.routes import metrics as metrics_routes
from service.routes import revenue as revenue_routes
from service.routes import setup as setup_routes
from service.routes import whatsapp as whatsapp_routes

log = logging.getLogger("trackai.api")


class RequestIdMiddleware:
    """Pure ASGI (cheap on the ingest path): sets the request id and echoes it as X-Request-Id."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        incoming = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), None)
        rid = pick_request_id(incoming)
        token = request_id_var.set(rid)
        scope.setdefault("state", {})["request_id"] = rid

        async def send_with_id(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"x-request-id", rid.encode()))
            await send(message)

        started = False

        async def send_tracking(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send_with_id(message)

        try:
            await self.app(scope, receive, send_tracking)
        except Exception:
            # unhandled: answer in the error shape, with the request id, while it is still known
            log.exception("unhandled error")
            if not started:
                body = json.dumps(errors.error_body(
                    "internal_error", "unexpected error; the request id is in the logs")).encode()
                await send_with_id({"type": "http.response.start", "status": 500,
                                    "headers": [(b"content-type", b"application/json")]})
                await send_with_id({"type": "http.response.body", "body": body})
        finally:
            request_id_var.reset(token)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load()
    logs.configure()
    sentry_setup.init(settings, "api")

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        pool = AsyncConnectionPool(
            settings.dsn, min_size=2, max_size=16, open=False, timeout=5,
            kwargs={"autocommit": True, "application_name": "trackai-api"},
        )
        await pool.open(wait=False)
        app.state.pool = pool
        app.state.webhook_commits = {}  # per gateway, made on first use (service.routes.ingest)
        app.state.collector_commit = ingest.collector_group_commit(pool)
        app.state.settings = settings
        # what is loaded by now (~100,000 objects) lives as long as the process: keep it out of the cyclic
        # collector, whose full passes over it took ~55 ms, a stall for every request in flight
        gc.freeze()
        try:
            yield
        finally:
            await pool.close()

    app = FastAPI(
        title="Track AI",
        version="0.1.0",
        description="Server-side conversion tracking for Meta CAPI. Every error has the shape "
        '`{"error": {"code", "message", "request_id"}}`.',
        lifespan=lifespan,
    )
    errors.install(app)
    app.include_router(health.router)
    app.include_router(ingest.router)
    app.include_router(admin.router)
    app.include_router(metrics_routes.router)
    app.include_router(whatsapp_routes.router)
    app.include_router(setup_routes.router)
    app.include_router(revenue_routes.router)
    # the ingest router is included without a prefix: its routes' paths are the app's
    app.add_middleware(HotRoutes, routes=[r for r in ingest.router.routes
                                          if isinstance(r, APIRoute) and r.endpoint in ingest.HOT_ENDPOINTS])
    app.add_middleware(metrics_routes.MetricsMiddleware)  # inside RequestIdMiddleware: sees the request id
    app.add_middleware(RequestIdMiddleware)
    return app
