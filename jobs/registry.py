"""Worker name -> entry point, for `trackai work <name>`. Each entry takes the Settings."""

from __future__ import annotations

from collections.abc import Callable

from jobs import dispatch, ingest, mercadopago, notify, setup
from trackai.settings import Settings

WORKERS: dict[str, Callable[[Settings], None]] = {
    "ingest": ingest.run,
    "mercadopago": mercadopago.run,
    "dispatch": dispatch.run,
    "notify": notify.run,
    "setup": setup.run,
}
