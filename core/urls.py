"""The public URLs a lead is given: built on TRACKAI_PUBLIC_URL (how gateways and browsers reach the API).

The routes that serve them are in `service/routes/ingest.py` (`POST /collect`, `POST /webhooks/<gateway>/<key>`,
`POST /api/v1/orders`);
the setup worker renders them into the snippet and the webhook instructions, and the setup API and the MCP
tools show them.
"""

from __future__ import annotations

from core.settings import Settings


def collector_url(settings: Settings) -> str:
    return f"{settings.public_url}/collect"


def webhook_url(settings: Settings, session: dict) -> str:
    """Where the session's gateway posts. The Utmify orders format carries no key in the URL: the company
    is found by its x-api-token."""
    if session["gateway"] == "utmify":
        return f"{settings.public_url}/api/v1/orders"
    return f"{settings.public_url}/webhooks/{session['gateway']}/{session['webhook_key']}"
