"""Perfect Pay as a sender of postbacks: how it writes a sale's time (São Paulo wall clock, no offset).

Sandbox, tests and benchmarks date their postbacks with this, so a sale is always "just now" by the
clock of the process that sends it, whatever day the suite runs on.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

SAO_PAULO = ZoneInfo("America/Sao_Paulo")


def approved_now(ago: timedelta = timedelta(minutes=1)) -> str:
    """A sale approved `ago` before now, as Perfect Pay writes `date_approved` ("2026-11-28 08:30:20")."""
    return (datetime.now(SAO_PAULO) - ago).strftime("%Y-%m-%d %H:%M:%S")
