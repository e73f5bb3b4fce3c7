"""The sandbox lead's website: one landing page whose HTML the sandbox can change, so `make run` can
show validate_landing failing (no snippet), then "install" the rendered snippet and pass.

    python -m fakes.landing --port 8107        # GET /oferta; POST /_fake/html {"html": "..."}
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from fakes import base

PAGE = ("<!doctype html><html><head><meta charset='utf-8'><title>Oferta</title></head><body>"
        "<h1>Curso Sandbox</h1><a href='https://checkout.perfectpay.com.br/PPUSBX'>Comprar</a></body></html>")


def build_app() -> Starlette:
    state = {"html": PAGE}

    async def page(_: Request) -> HTMLResponse:
        return HTMLResponse(state["html"])

    async def set_html(request: Request) -> JSONResponse:
        body = await request.json()
        if not isinstance(body, dict) or not isinstance(body.get("html"), str):
            return JSONResponse({"error": "send {\"html\": \"...\"}"}, status_code=400)
        state["html"] = body["html"]
        return JSONResponse({"ok": True})

    async def health(_: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    return Starlette(routes=[Route("/oferta", page), Route("/_fake/html", set_html, methods=["POST"]),
                             Route("/_fake/health", health)])


def main(argv: list[str] | None = None) -> None:
    base.run_cli("landing", lambda _args: build_app(), default_port=8107, argv=argv)


if __name__ == "__main__":
    main()
