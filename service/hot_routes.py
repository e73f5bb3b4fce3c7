"""Hot routes: the few endpoints that take webhook traffic skip FastAPI's per-request machinery.

A route listed here is still declared, documented and tested as a FastAPI route; this middleware only
calls its endpoint directly - with the path parameters and a Starlette Request, the only arguments such an
endpoint may take - instead of going through routing, dependency solving and the exception middleware,
which cost more CPU than the endpoint itself (bench/ingest.py; the README has the figures). It sits
inside the request-id and metrics middlewares, so the request id, the metrics and the log line stay the
same, and errors get the same shape through service.errors.response_for.
"""

from __future__ import annotations

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.routing import Match

from service.errors import response_for


class HotRoutes:
    def __init__(self, app, routes: list[APIRoute]):
        self.app = app
        self.routes = routes

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            for route in self.routes:
                match, child = route.matches(scope)
                if match is Match.FULL:
                    scope.update(child)
                    request = Request(scope, receive)
                    try:
                        response = await route.endpoint(request=request, **scope["path_params"])
                    except Exception as exc:
                        response = response_for(exc)
                        if response is None:
                            raise
                    return await response(scope, receive, send)
        return await self.app(scope, receive, send)
