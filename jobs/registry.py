"""Worker name -> entry point, for `trackai work <name>`. Each entry takes the Settings."""

from __future__ import annotations

from collections.abc import Callable

from jobs import audiences, dispatch, ingest, insights, mercadopago, notify, setup
from trackai.settings import Settings

WORKERS: dict[str, Callable[[Settings], None]] = {
    "audiences": audiences.run,
    "dispatch": dispatch.run,
    "ingest": ingest.run,
    "insights": insights.run,
    "mercadopago": mercadopago.run,
    "notify": notify.run,
    "setup": setup.run,
}
