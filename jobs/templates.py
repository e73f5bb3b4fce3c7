"""The template engine: renders the landing snippet and the per-gateway webhook instructions from the
Jinja2 templates in `jobs/template_files/`. (The GTM web container's import file is built from the
same entities as the container the API creates: `jobs/providers/gtm.py`.)

`render` is pure: it validates the inputs (TemplateInputError names the field), fills the defaults,
and returns the body with a SHA-256 over the kind, the canonical inputs and the body, so the same
inputs always give the same hash (setup.record_render then keeps one version per hash)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import jinja2

TEMPLATE_DIR = Path(__file__).parent / "template_files"
META_PIXEL_SCRIPT = "https://connect.facebook.net/en_US/fbevents.js"
SNIPPET_MAX_BYTES = 5 * 1024
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}

_PIXEL_ID = re.compile(r"\d{15,16}")
_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")
_HOST = re.compile(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_GATEWAY = re.compile(r"[a-z][a-z0-9_]{1,30}")  # tracking.gateways.gateway
_PARAM = re.compile(r"[A-Za-z0-9_]{1,30}")


class TemplateInputError(ValueError):
    """An input a template cannot take; `field` names it."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class Rendered:
    kind: str
    body: str
    sha256: str
    inputs: dict  # canonical: validated, with defaults filled in


_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATE_DIR), undefined=jinja2.StrictUndefined,
    autoescape=False, keep_trailing_newline=True,
)


# --- input validation -------------------------------------------------------------------------------

def _str(inputs: dict, field: str) -> str:
    value = inputs.get(field)
    if not isinstance(value, str) or not value:
        raise TemplateInputError(field, "is required (a non-empty string)")
    return value


def _url(inputs: dict, field: str, default: str | None = None) -> str:
    """https anywhere; plain http only to this machine (the sandbox and tests)."""
    if default is not None and inputs.get(field) is None:
        return default
    value = _str(inputs, field)
    parts = urlsplit(value)
    if not parts.hostname or parts.username or parts.password or parts.query or parts.fragment:
        raise TemplateInputError(field, "must be an absolute URL without credentials, query or fragment")
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS):
        raise TemplateInputError(field, "must be https (http only for 127.0.0.1 or localhost)")
    if any(c in value for c in "\"'`<>\\ \t\r\n"):
        raise TemplateInputError(field, "contains characters a URL does not need")
    return value


def _choice(inputs: dict, field: str, allowed: tuple[str, ...]) -> str:
    value = inputs.get(field)
    if value not in allowed:
        raise TemplateInputError(field, f"must be one of {', '.join(allowed)}")
    return value


def _hosts(value, field: str) -> list[str]:
    """Up to 20 host names (each also stands for its subdomains), lower case and sorted."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > 20:
        raise TemplateInputError(field, "must be a list of at most 20 host names")
    hosts = sorted({h.strip().lower() if isinstance(h, str) else "" for h in value})
    for host in hosts:
        if not _HOST.fullmatch(host):  # a DNS name ending in letters: no IPs, paths or ports
            raise TemplateInputError(field, f"{host!r} is not a host name such as mpago.la")
    return hosts


def _params(value, field: str) -> list[str]:
    """The query parameters a checkout carries through to its notification, sorted."""
    if not isinstance(value, list) or len(value) > 5:
        raise TemplateInputError(field, "must be a list of at most 5 query parameter names")
    params = sorted({p if isinstance(p, str) else "" for p in value})
    for param in params:
        if not _PARAM.fullmatch(param):
            raise TemplateInputError(field, f"{param!r} is not a parameter name such as src")
    return params


def _checkouts(inputs: dict) -> dict:
    """Every gateway's checkout hosts and visitor parameters: its tracking.gateways row, as
    {gateway: {"hosts": [...], "params": [...]}} (jobs.setup_steps.checkouts reads them)."""
    value = inputs.get("checkouts")
    if not isinstance(value, dict) or not value or len(value) > 30:
        raise TemplateInputError("checkouts", "must map 1 to 30 gateways to their hosts and params")
    out = {}
    for gateway, checkout in value.items():
        if not isinstance(gateway, str) or not _GATEWAY.fullmatch(gateway):
            raise TemplateInputError("checkouts", f"{gateway!r} is not a gateway name")
        if not isinstance(checkout, dict) or set(checkout) != {"hosts", "params"}:
            raise TemplateInputError("checkouts", f"{gateway}: must be an object of hosts and params")
        out[gateway] = {"hosts": _hosts(checkout["hosts"], "checkouts"),
                        "params": _params(checkout["params"], "checkouts")}
    return out


def _only(inputs: dict, fields: set[str]) -> None:
    if not isinstance(inputs, dict):
        raise TemplateInputError("inputs", "must be an object")
    unknown = sorted(set(inputs) - fields)
    if unknown:
        raise TemplateInputError(unknown[0], "is not an input of this template")


SNIPPET_FIELDS = {"pixel_id", "collector_url", "collector_key", "gateway", "checkouts", "checkout_hosts",
                  "pixel_script_url"}


def _snippet_inputs(inputs: dict, extra: set[str] = frozenset()) -> dict:
    _only(inputs, SNIPPET_FIELDS | extra)
    pixel_id = inputs.get("pixel_id")
    if not isinstance(pixel_id, str) or not _PIXEL_ID.fullmatch(pixel_id):
        raise TemplateInputError("pixel_id", "must be the pixel's 15 or 16 digit id, as a string")
    key = inputs.get("collector_key")
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise TemplateInputError("collector_key", "must be the company's collector key (8-64 letters, digits, _ -)")
    checkouts = _checkouts(inputs)
    return {
        "pixel_id": pixel_id, "collector_url": _url(inputs, "collector_url"), "collector_key": key,
        "gateway": _choice(inputs, "gateway", tuple(sorted(checkouts))), "checkouts": checkouts,
        # the company's own checkout domains: decorated with its gateway's parameters
        "checkout_hosts": _hosts(inputs.get("checkout_hosts"), "checkout_hosts"),
        "pixel_script_url": _url(inputs, "pixel_script_url", META_PIXEL_SCRIPT),
    }


def decorated_links(inputs: dict) -> dict[str, list[str]]:
    """What the snippet decorates, from canonical inputs: host -> the parameters that get the visitor
    id (a host named by two gateways gets both's); a host with no parameters is left out."""
    links: dict[str, set[str]] = {}
    for gateway, checkout in inputs["checkouts"].items():
        own = inputs["checkout_hosts"] if gateway == inputs["gateway"] else []
        for host in checkout["hosts"] + own:
            links.setdefault(host, set()).update(checkout["params"])
    return {host: sorted(params) for host, params in sorted(links.items()) if params}


# --- rendering ----------------------------------------------------------------------------------------

def minify_js(source: str) -> str:
    """Deterministic and safe for our own template: drops indentation, blank lines and whole-line
    `//` comments, and keeps the line breaks (so automatic semicolon insertion never changes meaning)."""
    lines = (line.strip() for line in source.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


def _landing_snippet(inputs: dict) -> tuple[dict, str]:
    canonical = _snippet_inputs(inputs)
    # hosts and parameter names are validated to [a-z0-9.-] and [A-Za-z0-9_]: safe inside <script>
    links = json.dumps(decorated_links(canonical), sort_keys=True, separators=(",", ":"))
    # the body is the script's text: the page (or the GTM tag) puts it in <script></script>
    body = minify_js(_env.get_template("landing_snippet.js.j2").render(**canonical, links=links))
    if len(body.encode()) >= SNIPPET_MAX_BYTES:  # only many long checkout hosts get here
        raise TemplateInputError("checkout_hosts", f"make the snippet {len(body.encode())} bytes, over 5 KB")
    return canonical, body


def instruction_gateways() -> tuple[str, ...]:
    """The gateways with onboarding instructions: one template file each."""
    return tuple(sorted(p.name.removesuffix(".md.j2") for p in (TEMPLATE_DIR / "webhook_instructions").glob("*.md.j2")))


def _webhook_instructions(inputs: dict) -> tuple[dict, str]:
    """Inputs: the gateway, its webhook URL, and its checkout hosts and visitor parameters (its row of
    tracking.gateways, plus the company's own checkout domains)."""
    _only(inputs, {"gateway", "webhook_url", "checkout_hosts", "visitor_params"})
    gateway = _choice(inputs, "gateway", instruction_gateways())
    canonical = {"gateway": gateway, "webhook_url": _url(inputs, "webhook_url"),
                 "checkout_hosts": _hosts(inputs.get("checkout_hosts"), "checkout_hosts"),
                 "visitor_params": _params(inputs.get("visitor_params"), "visitor_params")}
    return canonical, _env.get_template(f"webhook_instructions/{gateway}.md.j2").render(**canonical)


KINDS = {
    "landing_snippet": _landing_snippet,
    "webhook_instructions": _webhook_instructions,
}


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def render(kind: str, inputs: dict) -> Rendered:
    if kind not in KINDS:
        raise TemplateInputError("kind", f"must be one of {', '.join(KINDS)}")
    canonical, body = KINDS[kind](inputs)
    digest = hashlib.sha256(canonical_json({"kind": kind, "inputs": canonical, "body": body}).encode()).hexdigest()
    return Rendered(kind, body, digest, canonical)
