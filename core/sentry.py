"""Sentry, when SENTRY_DSN is set (sentry-sdk 3.x); every event is scrubbed of secrets and personal data
before it leaves the process.

`before_send` walks the whole event (request headers, query string, body, extra, breadcrumbs, stack
frame variables, messages) and replaces:
- the value of any key that names a secret (authorization, cookie, token, secret, password, api key,
  signature, dsn, webhook url, ciphertext ...),
- the value of any key that names a person's data or a client address (email, phone, CPF / CNPJ /
  identification, names, birthday, postal address, IP, X-Forwarded-For, user agent, fbp / fbc, Meta's
  em / ph / fn ... user_data keys, the ASGI scope's `client`),
- token-looking text anywhere: Meta access tokens (EAA...), Mercado Pago tokens (APP_USR-...),
  `Bearer ...`, `access_token=...` in URLs, Slack webhook paths, JWTs, long hex/base64 keys; and
  email addresses and formatted CPF / CNPJ numbers.
The identifiers the SDK itself generates (event id, trace and span ids, a commit-hash release) are put
back after the walk: they look like hex keys, and Sentry refuses an envelope whose event id is not one.
Breadcrumbs, and logs, spans, metrics and cron check-ins if anything ever sends them, go through the
same scrubber (`before_breadcrumb`, `before_send_log`, `before_send_span`, `before_send_metric`,
`before_send_check_in`).

PII is not collected in the first place either. sentry-sdk 3 removed `send_default_pii` (2.x: False
meant no user, cookies, client IP or bodies) and collects more by default; `DATA_COLLECTION` asks for
no user info, no cookies, no bodies, no query strings, request headers without the secret- and
IP-bearing ones, stack frame variables without the secret- and PII-named ones.
Tracing is off (`traces_sample_rate=None`: in 3.x `0` still continues an incoming sampled trace, and
spans, which stream and cannot be dropped, would carry URLs and headers), and no Sentry trace headers
are sent to the providers we call. The logging integration, opt-in in 3.x, is added back as 2.x had
it: ERROR records (`log.exception(...)`, which is how the API reports an unhandled error) become
events, INFO and above become breadcrumbs, and no logs are shipped as Sentry logs.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from core.settings import Settings

REDACTED = "[redacted]"

SECRET_KEY = re.compile(
    r"(authori[sz]ation|cookie|token|secret|passw(or)?d|api[-_]?key|signature|x-signature|dsn|"
    r"webhook|ciphertext|private[-_]?key|credential|session)", re.I)

PERSONAL_KEY = re.compile(
    r"(e-?mail|phone|cpf|cnpj|identification|full_?name|first_?name|last_?name|birth|zip_?code|postal|"
    r"street|address|(^|[^a-z])city|forwarded|real-?ip|client-?ip|remote[-_]?addr|user[-_]?agent|(^|[^a-z])ip($|[^a-z])|"
    r"^(client|em|ph|fn|ln|db|ge|ct|st|zp|fbc|fbp|external_id)$)", re.I)

SECRET_TEXT = [
    re.compile(r"\bEAA[A-Za-z0-9]{20,}"),                                # Meta access tokens
    re.compile(r"\bAPP_USR-[A-Za-z0-9-]{10,}"),                           # Mercado Pago tokens
    re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{8,}"),                 # Authorization values
    re.compile(r"(?i)((?:access_)?token|api_key|key|secret|signature)=[^&\s\"']+"),  # in URLs
    re.compile(r"hooks\.slack\.com/services/[A-Za-z0-9/_-]+"),            # Slack webhook URLs
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),  # JWTs
    re.compile(r"\b[0-9a-f]{32,}\b"),                                     # hex keys, token hashes
    re.compile(r"\b(local|test|k\d*):[A-Za-z0-9+/]{40,}={0,2}"),          # TRACKAI_SECRET_KEY entries
    # email addresses; a match starts only where a run of address characters does (linear on long text)
    re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]++@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"),
    re.compile(r"\b\d{3}\.\d{3}\.\d{3}-\d{2}\b|\b\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}\b"),  # CPF, CNPJ as written
]

# Substrings (case-insensitive) of names the SDK itself filters before our hooks run, on top of its
# own list (auth, token, secret, password, key, session, ...): secrets, then what carries a client IP.
SECRET_TERMS = ["authoriz", "cookie", "token", "secret", "passw", "api_key", "apikey", "api-key",
                "signature", "dsn", "webhook", "ciphertext", "private", "credential", "session"]
CLIENT_IP_TERMS = ["forwarded", "-ip", "_ip", "remote", "via", "-user", "_user"]
PERSONAL_TERMS = ["email", "phone", "cpf", "cnpj", "identification", "full_name", "birth", "address",
                  "user_agent"]

DATA_COLLECTION: dict[str, Any] = {
    "user_info": False,                        # no user, no client IP (REMOTE_ADDR)
    "cookies": {"mode": "off"},
    "http_headers": {"request": {"mode": "denylist", "terms": SECRET_TERMS + CLIENT_IP_TERMS}},
    "http_bodies": [],
    "url_query_params": {"mode": "off"},
    "graphql": {"document": False, "variables": False},
    "gen_ai": {"inputs": False, "outputs": False},
    "mcp": {"inputs": False, "outputs": False},
    "database_query_data": False,
    "queues": False,
    "stack_frame_variables": {"mode": "denylist", "terms": SECRET_TERMS + CLIENT_IP_TERMS + PERSONAL_TERMS},
}

_REPR = re.compile(r"^b?['\"](.*)['\"]$")
_HEX32 = re.compile(r"[0-9a-f]{32}")
_HEX16 = re.compile(r"[0-9a-f]{16}")
_COMMIT = re.compile(r"[0-9a-f]{7,40}")
# identifiers the SDK generates, where they sit in an event / check-in, and their exact format
_SDK_IDS: list[tuple[tuple[str, ...], re.Pattern[str]]] = [
    (("event_id",), _HEX32),
    (("check_in_id",), _HEX32),
    (("release",), _COMMIT),
    (("contexts", "trace", "trace_id"), _HEX32),
    (("contexts", "trace", "span_id"), _HEX16),
    (("contexts", "trace", "parent_span_id"), _HEX16),
    (("contexts", "trace", "dynamic_sampling_context", "trace_id"), _HEX32),
    (("contexts", "trace", "dynamic_sampling_context", "public_key"), _HEX32),
    (("contexts", "trace", "dynamic_sampling_context", "release"), _COMMIT),
]


def scrub_text(text: str) -> str:
    for pattern in SECRET_TEXT:
        if pattern.groups:
            text = pattern.sub(lambda m: f"{m.group(1)}={REDACTED}" if "=" in m.group(0) else REDACTED, text)
        else:
            text = pattern.sub(REDACTED, text)
    return text


def _names_something_private(key: Any) -> bool:
    if not isinstance(key, str):
        return False
    name = _REPR.sub(r"\1", key)  # header names in frame variables come as reprs: "b'x-forwarded-for'"
    return bool(SECRET_KEY.search(name) or PERSONAL_KEY.search(name))


def scrub(value: Any, depth: int = 0) -> Any:
    if depth > 20:
        return REDACTED
    if isinstance(value, dict):
        return {k: (REDACTED if _names_something_private(k) and v not in (None, "", [], {})
                    else scrub(v, depth + 1)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        # header lists come as [name, value] pairs
        if len(value) == 2 and _names_something_private(value[0]):
            return [value[0], REDACTED]
        return [scrub(v, depth + 1) for v in value]
    if isinstance(value, str):
        return scrub_text(value)
    return value


def _get(event: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(event, dict):
            return None
        event = event.get(key)
    return event


def before_send(event: dict, hint: dict | None = None) -> dict:
    """Sentry hook: the event, with every secret replaced by [redacted] and the SDK's own ids kept."""
    ids = [(path, value) for path, fmt in _SDK_IDS
           if isinstance(value := _get(event, path), str) and fmt.fullmatch(value)]
    out = scrub(event)
    for path, value in ids:
        parent = _get(out, path[:-1])
        if isinstance(parent, dict) and path[-1] in parent:
            parent[path[-1]] = value
    return out


def before_breadcrumb(crumb: dict, hint: dict | None = None) -> dict:
    return scrub(crumb)


def before_send_telemetry(item: dict, hint: dict | None = None) -> dict:
    """Sentry hook for logs, metrics and spans: their text and attributes scrubbed, their ids kept
    (a span keeps only its name and attributes from what this returns)."""
    out = dict(item)
    for key in ("body", "name", "attributes"):
        if key in out:
            out[key] = scrub(out[key])
    return out


def init(settings: Settings, component: str) -> bool:
    """Start Sentry when SENTRY_DSN is set; returns whether it did."""
    if not settings.sentry_dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.logging import LoggingIntegration

    if int(sentry_sdk.VERSION.split(".")[0]) != 3:
        raise RuntimeError(f"core.sentry needs sentry-sdk 3.x, found {sentry_sdk.VERSION}")
    sentry_sdk.init(
        dsn=settings.sentry_dsn,
        environment=settings.sentry_environment,
        data_collection=DATA_COLLECTION,
        max_request_body_size="never",
        before_send=before_send,
        before_send_check_in=before_send,
        before_breadcrumb=before_breadcrumb,
        before_send_log=before_send_telemetry,
        before_send_metric=before_send_telemetry,
        before_send_span=before_send_telemetry,
        traces_sample_rate=None,
        trace_propagation_targets=[],
        integrations=[LoggingIntegration(level=None, event_level=logging.ERROR, breadcrumb_level=logging.INFO)],
    )
    sentry_sdk.get_global_scope().set_tag("component", component)
    return True
