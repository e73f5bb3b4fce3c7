"""Worker name -> entry point, for `trackai work <name>`. Each entry takes the Settings."""

from __future__ import annotations

from collections.abc import Callable

from jobs import audiences, dispatch, insights, mercadopago, notify, setup
from trackai.settings import Settings

WORKERS: dict[str, Callable[[Settings], None]] = {
    "mercadopago": mercadopago.run,
    "dispatch": dispatch.run,
    "notify": notify.run,
    "setup": setup.run,
    "audiences": audiences.run,
    "insights": insights.run,
}
