"""The one exception every provider client raises: a stable `code` the SQL rule table turns into a
diagnosis, a human message (never a secret), the HTTP status when there was one, and how long the
provider asked us to wait (Retry-After) when it said so."""

from __future__ import annotations

CODES = frozenset({
    "cloudflare.unauthorized", "cloudflare.zone_not_found", "cloudflare.record_conflict",
    "cloudflare.invalid_request", "cloudflare.rate_limited", "cloudflare.unavailable",
    "stape.unauthorized", "stape.invalid_request", "stape.container_stuck", "stape.container_failed",
    "stape.domain_not_ready", "stape.rate_limited", "stape.unavailable",
    "gtm.unauthorized", "gtm.account_not_found", "gtm.rate_limited", "gtm.compiler_error",
    "gtm.invalid_request", "gtm.unavailable",
    "network.timeout", "network.unreachable",
})


class ProviderError(Exception):
    def __init__(self, code: str, message: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.retry_after = retry_after

    def __repr__(self) -> str:
        return f"ProviderError({self.code!r}, {self.message!r}, status={self.status}, retry_after={self.retry_after})"


def retry_after_s(value: str | None) -> float | None:
    """Retry-After in seconds (the delta-seconds form; an HTTP date is ignored)."""
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None
