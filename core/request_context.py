"""The request id: taken from X-Request-Id when sane, else generated; echoed back and logged."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

_SANE = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def pick_request_id(header: str | None) -> str:
    if header and _SANE.match(header):
        return header
    return str(uuid.uuid4())
