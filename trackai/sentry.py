"""Sentry, when SENTRY_DSN is set; every event is scrubbed of secrets before it leaves the process.

`before_send` walks the whole event (request headers, query string, body, extra, breadcrumbs, stack
frame variables, messages) and replaces:
- the value of any key that names a secret (authorization, cookie, token, secret, password, api key,
  signature, dsn, webhook url, ciphertext ...),
- token-looking text anywhere: Meta access tokens (EAA...), Mercado Pago tokens (APP_USR-...),
  `Bearer ...`, `access_token=...` in URLs, Slack webhook paths, JWTs, long hex/base64 keys.
PII is not sent either (send_default_pii=False).
"""

from __future__ import annotations

import re
from typing import Any

from trackai.settings import Settings

REDACTED = "[redacted]"

SECRET_KEY = re.compile(
    r"(authori[sz]ation|cookie|token|secret|passw(or)?d|api[-_]?key|signature|x-signature|dsn|"
    r"webhook|ciphertext|private[-_]?key|credential|session)", re.I)

SECRET_TEXT = [
    re.compile(r"\bEAA[A-Za-z0-9]{20,}"),                                # Meta access tokens
    re.compile(r"\bAPP_USR-[A-Za-z0-9-]{10,}"),                           # Mercado Pago tokens
    re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{8,}"),                 # Authorization values
    re.compile(r"(?i)((?:access_)?token|api_key|key|secret|signature)=[^&\s\"']+"),  # in URLs
    re.compile(r"hooks\.slack\.com/services/[A-Za-z0-9/_-]+"),            # Slack webhook URLs
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),  # JWTs
    re.compile(r"\b[0-9a-f]{32,}\b"),                                     # hex keys, token hashes
    re.compile(r"\b(local|test|k\d*):[A-Za-z0-9+/]{40,}={0,2}"),          # TRACKAI_SECRET_KEY entries
]


def scrub_text(text: str) -> str:
    for pattern in SECRET_TEXT:
        if pattern.groups:
            text = pattern.sub(lambda m: f"{m.group(1)}={REDACTED}" if "=" in m.group(0) else REDACTED, text)
        else:
            text = pattern.sub(REDACTED, text)
    return text


def scrub(value: Any, depth: int = 0) -> Any:
    if depth > 20:
        return REDACTED
    if isinstance(value, dict):
        return {k: (REDACTED if isinstance(k, str) and SECRET_KEY.search(k) and v not in (None, "", [], {})
                    else scrub(v, depth + 1)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        # header lists come as [name, value] pairs
        if len(value) == 2 and isinstance(value[0], str) and SECRET_KEY.search(value[0]):
            return [value[0], REDACTED]
        return [scrub(v, depth + 1) for v in value]
    if isinstance(value, str):
        return scrub_text(value)
    return value


def before_send(event: dict, hint: dict | None = None) -> dict:
    """Sentry hook: the event, with every secret replaced by [redacted]."""
    return scrub(event)


def init(settings: Settings, component: str) -> bool:
    """Start Sentry when SENTRY_DSN is set; returns whether it did."""
    if not settings.sentry_dsn:
        return False
    import sentry_sdk

    sentry_sdk.init(
        dsn=settings.sentry_dsn,
        environment=settings.sentry_environment,
        send_default_pii=False,
        before_send=before_send,
        before_send_transaction=before_send,
        before_breadcrumb=lambda crumb, hint: scrub(crumb),
        traces_sample_rate=0.0,
        max_request_body_size="never",
    )
    sentry_sdk.set_tag("component", component)
    return True
