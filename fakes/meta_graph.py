"""A strict local fake of the Meta Graph API: Conversions API events, pixel reads, Custom Audiences.

It rejects what Meta rejects (/work/shared/reference/meta_capi.md §1-§3, §5, §8-§10) and records
what it accepts, so tests can count deliveries per event_id. Run in-process:

    fake = MetaFake()
    fake.add_pixel("123", "TOKEN")
    with serve(fake.app) as server:          # fakes.base.serve
        httpx.post(f"{server.url}/v24.0/123/events", params={"access_token": "TOKEN"}, json={...})
    fake.deliveries("order-1")               # -> [AcceptedEvent, ...] (never deduplicated)

or as a process: `python -m fakes.meta_graph --port 8101 --pixel 123:TOKEN`, controlled over HTTP
under `/_fake/...` (see `_control_routes`).

Error envelope is always {"error": {message, type, code, error_subcode, is_transient,
error_user_title, error_user_msg, fbtrace_id}}; keys Meta would omit are null. HTTP status: Graph has
been observed answering code 190 with both 400 and 401; this fake picks 401 for 190 and 400 for every
other client error (100, 104, 2500, throttling 4/17/613/80004), 500 for code 2. Messages marked
[inferred] below are plausible Graph wording, not captured responses: branch on `code`, not text.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import re
import string
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from fakes import base

VERSION_RE = re.compile(r"^v\d+\.\d+$")
SUPPORTED_VERSIONS = ("v21.0", "v22.0", "v23.0", "v24.0", "v25.0", "v26.0")
MAX_EVENTS = 1000
MAX_AUDIENCE_ROWS = 10_000
SEVEN_DAYS_S = 7 * 86_400
PHYSICAL_STORE_WINDOW_S = 62 * 86_400
FUTURE_SKEW_S = 60

ACTION_SOURCES = frozenset({"email", "website", "app", "phone_call", "chat", "physical_store",
                            "system_generated", "business_messaging", "other"})
MESSAGING_CHANNELS = frozenset({"whatsapp", "messenger", "instagram"})
MESSAGING_EVENT_NAMES = frozenset({
    "Purchase", "LeadSubmitted", "InitiateCheckout", "AddToCart", "ViewContent", "OrderCreated",
    "OrderShipped", "OrderDelivered", "OrderCanceled", "OrderReturned", "CartAbandoned",
    "QualifiedLead", "RatingProvided", "ReviewProvided",
})
# user_data keys Meta wants SHA-256 hashed (64 lowercase hex), as string or list of strings.
HASHED_KEYS = frozenset({"em", "ph", "fn", "ln", "ge", "db", "ct", "st", "zp", "country",
                         "f5first", "f5last", "fi", "dobd", "dobm", "doby"})
# Never hashed. Values are strings (ids may also be integers).
RAW_KEYS = frozenset({"client_ip_address", "client_user_agent", "fbc", "fbp", "subscription_id",
                      "fb_login_id", "lead_id", "anon_id", "madid", "page_id", "page_scoped_user_id",
                      "ctwa_clid", "ig_account_id", "ig_sid", "whatsapp_business_account_id",
                      "instagram_business_account_id"})
CUSTOMER_KEYS = HASHED_KEYS | RAW_KEYS | {"external_id"}
# Since v13.0 an event whose customer information is only one of these sets (or a subset) is invalid.
BASELINE_INVALID = (frozenset({"ct", "country", "st", "zp", "ge", "client_user_agent"}),
                    frozenset({"db", "client_user_agent"}), frozenset({"fn", "ge"}), frozenset({"ln", "ge"}))
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
NUMERIC_RE = re.compile(r"^-?\d+(\.\d+)?$")
CURRENCY_RE = re.compile(r"^[A-Za-z]{3}$")

PIXEL_FIELDS = frozenset({"id", "name", "code", "creation_time", "is_unavailable", "last_fired_time",
                          "data_use_setting", "first_party_cookie_status", "owner_business",
                          "owner_ad_account", "creator", "is_created_by_business",
                          "enable_automatic_matching", "automatic_matching_fields"})
CUSTOMER_FILE_SOURCES = frozenset({"USER_PROVIDED_ONLY", "PARTNER_PROVIDED_ONLY",
                                   "BOTH_USER_AND_PARTNER_PROVIDED"})
AUDIENCE_KEYS = frozenset({"EXTERN_ID", "EMAIL", "PHONE", "GEN", "DOBY", "DOBM", "DOBD", "LN", "FN",
                           "FI", "CT", "ST", "ZIP", "MADID", "COUNTRY", "APPUID", "LOOKALIKE_VALUE",
                           "EMAIL_SHA256", "PHONE_SHA256", "MOBILE_ADVERTISER_ID"})
AUDIENCE_UNHASHED = frozenset({"EXTERN_ID", "MADID", "MOBILE_ADVERTISER_ID", "APPUID", "LOOKALIKE_VALUE"})
# Insights (GET act_<id>/insights): levels, the fields this fake serves, and its page size bounds.
INSIGHTS_LEVELS = ("account", "campaign", "adset", "ad")
INSIGHTS_FIELDS = frozenset({"account_id", "account_currency", "campaign_id", "campaign_name", "adset_id",
                             "adset_name", "ad_id", "ad_name", "spend", "impressions", "clicks",
                             "date_start", "date_stop"})
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Subcodes: 33, 2804003, 2804016, 2804066 are observed for the situations they are used for here.
# 2804050 ("too little user_data") is a low-confidence third-party report; the rest of the
# validation errors carry no subcode (null) because Meta publishes no table.
SUBCODE_TOO_LITTLE_USER_DATA = 2804050
DEFAULT_POISON_SUBCODE = 2804001  # observed in the wild, meaning unpublished

FAIL_KINDS = ("server_error", "unavailable", "throttle_4", "throttle_17", "throttle_613", "throttle_80004",
              "timeout", "token_expired", "token_invalid", "invalid_parameter")

_TRACE_ALPHABET = string.ascii_letters + string.digits + "_-"


class GraphError(Exception):
    def __init__(self, status: int, message: str, *, type_: str = "OAuthException", code: int = 100,
                 subcode: int | None = None, transient: bool = False, title: str | None = None,
                 user_msg: str | None = None):
        super().__init__(message)
        self.status = status
        self.body = {"message": message, "type": type_, "code": code, "error_subcode": subcode,
                     "is_transient": transient, "error_user_title": title, "error_user_msg": user_msg}


def invalid(message: str, *, subcode: int | None = None, title: str | None = None,
            user_msg: str | None = None) -> GraphError:
    """Code 100 "Invalid parameter" family (HTTP 400)."""
    return GraphError(400, message, code=100, subcode=subcode, title=title, user_msg=user_msg or message)


def _unsupported(method: str, object_id: str) -> GraphError:
    return GraphError(
        400,
        f"Unsupported {method.lower()} request. Object with ID '{object_id}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation. Please read the Graph "
        "API documentation at https://developers.facebook.com/docs/graph-api",
        type_="GraphMethodException", code=100, subcode=33)


def _unknown_path(path: str) -> GraphError:
    return GraphError(400, f"Unknown path components: {path}", code=2500)  # [inferred] wording


def _token_error(state: str | None) -> GraphError:
    if state == "expired":
        return GraphError(401, "Error validating access token: Session has expired on Saturday, "
                          "23-Sep-23 23:29:14 PDT. The current time is later.", code=190, subcode=463)
    if state == "revoked":
        return GraphError(401, "Error validating access token: The session has been invalidated because "
                          "the user changed their password or Facebook has changed the session for "
                          "security reasons.", code=190, subcode=460)
    return GraphError(401, "Invalid OAuth access token - Cannot parse access token", code=190)


def _throttle(code: int) -> GraphError:
    messages = {
        4: ("(#4) Application request limit reached", 1504022),
        17: ("(#17) User request limit reached", 2446079),
        613: ("(#613) Calls to this api have exceeded the rate limit.", 1487742),
        80004: ("(#80004) There have been too many calls to this ad-account. Wait a bit and try again.",
                2446079),
    }
    if code not in messages:
        raise ValueError(f"throttle code must be one of {sorted(messages)}")
    message, subcode = messages[code]
    return GraphError(400, message, code=code, subcode=subcode, transient=True)


def _server_error() -> GraphError:
    return GraphError(500, "An unexpected error has occurred. Please retry your request later.",
                      code=2, transient=True)


# --------------------------------------------------------------------------------------------------
# State


@dataclass
class Pixel:
    id: str
    name: str
    tokens: set[str]
    creation_time: str
    last_fired_time: str | None = None


@dataclass
class AcceptedEvent:
    pixel_id: str
    event_name: str
    event_id: str | None
    event_time: int
    action_source: str
    test_event_code: str | None
    partner_agent: str | None
    fbtrace_id: str
    received_at: float
    api_version: str
    event: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Faults:
    """Injected misbehaviour for every Graph route (never `/_fake/...`). Per request, in order:
    latency, a queued `fail_next` failure, the timeout sleep, the 5xx draw, the throttle draw, then
    normal handling (where `reject_event_ids` applies). Draws use one seeded RNG: reproducible."""

    latency_ms: float | tuple[float, float] = 0.0  # fixed, or uniform (lo, hi)
    error_rate: float = 0.0                      # 0..1 chance of a 5xx
    error_style: str = "graph"                   # "graph": 500 code 2 transient; "bare": 503 text
    throttle_rate: float = 0.0                   # 0..1 chance of a throttling error
    throttle_code: int = 17                      # 4 | 17 | 613 | 80004
    timeout_s: float = 0.0                       # > 0: sleep this long (then answer normally)
    timeout_rate: float = 1.0                    # chance a request gets the timeout sleep
    reject_event_ids: set[str] = field(default_factory=set)  # a batch holding one is rejected
    reject_subcode: int = DEFAULT_POISON_SUBCODE

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["reject_event_ids"] = sorted(self.reject_event_ids)
        return d


@dataclass
class Audience:
    id: str
    ad_account_id: str
    name: str
    subtype: str
    customer_file_source: str
    description: str | None
    batches: list[dict[str, Any]] = field(default_factory=list)
    members: set[tuple[str, ...]] = field(default_factory=set)


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _decode_json(value: Any, what: str) -> Any:
    if isinstance(value, str | bytes):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise invalid(f"(#100) param {what} must be a valid JSON string") from exc
    return value


class MetaFake:
    """In-memory Graph API state + its ASGI `app`. All public methods are thread-safe."""

    def __init__(self, *, strict_website: bool = True, seed: int | None = 0,
                 versions: Iterable[str] = SUPPORTED_VERSIONS, app_secret: str | None = None,
                 clock: Callable[[], float] = time.time):
        self._lock = threading.RLock()
        self.strict_website = strict_website
        self.versions = tuple(versions)
        self.app_secret = app_secret
        self.clock = clock
        self._seed = seed
        self._pixels: dict[str, Pixel] = {}
        self._tokens: dict[str, str] = {}  # token -> "valid" | "revoked" | "expired"
        self._ad_accounts: dict[str, set[str]] = {}
        self._audiences: dict[str, Audience] = {}
        self._events: list[AcceptedEvent] = []
        self._requests: list[dict[str, Any]] = []
        self.faults = Faults()
        self._queue: deque[tuple[str, float]] = deque()
        self._rng = base.new_rng(seed)
        self._trace_rng = base.new_rng(None if seed is None else seed + 1)
        self._audience_seq = 0
        self._insights: dict[str, list[dict[str, Any]]] = {}
        self.app = Starlette(routes=self._control_routes() + [
            Route("/{path:path}", self._graph, methods=["GET", "POST", "DELETE"]),
        ])

    # ---- registry --------------------------------------------------------------------------------

    def add_token(self, token: str) -> None:
        """Register (or re-validate) a token with no grants."""
        with self._lock:
            self._tokens[token] = "valid"

    def add_pixel(self, pixel_id: str, *tokens: str, name: str | None = None) -> None:
        """Register a pixel/dataset and grant it to `tokens` (registering them as valid if new)."""
        pixel_id = str(pixel_id)
        with self._lock:
            pixel = self._pixels.setdefault(
                pixel_id, Pixel(pixel_id, name or f"Pixel {pixel_id}", set(), _iso(self.clock())))
            if name:
                pixel.name = name
            for token in tokens:
                self._tokens.setdefault(token, "valid")
                pixel.tokens.add(token)

    def add_ad_account(self, ad_account_id: str, *tokens: str) -> None:
        """Register `act_<id>` (pass the id without `act_`) for Custom Audience calls by `tokens`."""
        ad_account_id = str(ad_account_id).removeprefix("act_")
        with self._lock:
            grants = self._ad_accounts.setdefault(ad_account_id, set())
            for token in tokens:
                self._tokens.setdefault(token, "valid")
                grants.add(token)

    def add_insights(self, ad_account_id: str, rows: Iterable[dict[str, Any]], currency: str = "BRL") -> None:
        """Daily ad-level facts of `act_<id>`: {date, campaign_id, campaign_name, adset_id, ad_id, spend,
        impressions?, clicks?}. GET .../insights aggregates them to the requested level per day."""
        ad_account_id = str(ad_account_id).removeprefix("act_")
        with self._lock:
            self._insights.setdefault(ad_account_id, []).extend(
                {**r, "account_currency": currency} for r in rows)

    def revoke_token(self, token: str, reason: str = "revoked") -> None:
        """Make `token` fail with 190/460 ("revoked") or 190/463 ("expired")."""
        if reason not in ("revoked", "expired"):
            raise ValueError("reason must be 'revoked' or 'expired'")
        with self._lock:
            self._tokens[token] = reason

    # ---- faults & config -------------------------------------------------------------------------

    def set_faults(self, *, seed: int | None = None, reject_event_ids: Iterable[str] | None = None,
                   **changes: Any) -> Faults:
        """Update the given fault fields (see `Faults`); `seed` re-seeds the fault RNG."""
        with self._lock:
            for key, value in changes.items():
                if not hasattr(self.faults, key) or key == "reject_event_ids":
                    raise ValueError(f"unknown fault {key!r}")
                if key == "latency_ms" and isinstance(value, list | tuple):
                    value = (float(value[0]), float(value[1]))
                if key == "error_style" and value not in ("graph", "bare"):
                    raise ValueError("error_style must be 'graph' or 'bare'")
                if key == "throttle_code":
                    _throttle(int(value))
                setattr(self.faults, key, value)
            if reject_event_ids is not None:
                self.faults.reject_event_ids = {str(e) for e in reject_event_ids}
            if seed is not None:
                self._rng = base.new_rng(seed)
            return self.faults

    def reject_event_ids(self, *event_ids: str, subcode: int = DEFAULT_POISON_SUBCODE) -> None:
        """Any batch containing one of these event_ids is rejected whole with 100/`subcode`."""
        with self._lock:
            self.faults.reject_event_ids |= {str(e) for e in event_ids}
            self.faults.reject_subcode = subcode

    def fail_next(self, n: int = 1, kind: str = "server_error", *, timeout_s: float = 5.0) -> None:
        """Queue `n` failures of `kind` (one of FAIL_KINDS) for the next Graph requests.

        "timeout" sleeps `timeout_s` and then handles the request normally (like Meta accepting a
        request whose client already gave up)."""
        if kind not in FAIL_KINDS:
            raise ValueError(f"kind must be one of {FAIL_KINDS}")
        with self._lock:
            self._queue.extend([(kind, timeout_s)] * n)

    def clear_faults(self) -> None:
        with self._lock:
            self.faults = Faults()
            self._queue.clear()

    def freeze_time(self, now: float | None) -> None:
        """Fix the fake's clock at `now` (unix seconds); None returns to real time."""
        self.clock = time.time if now is None else (lambda: float(now))

    def reset(self, *, registry: bool = False) -> None:
        """Forget recorded events/requests/audience batches and faults; `registry` also drops
        pixels, tokens, ad accounts and audiences."""
        with self._lock:
            self._events.clear()
            self._requests.clear()
            self.clear_faults()
            self._rng = base.new_rng(self._seed)
            self._trace_rng = base.new_rng(None if self._seed is None else self._seed + 1)
            for audience in self._audiences.values():
                audience.batches.clear()
                audience.members.clear()
            if registry:
                self._pixels.clear()
                self._tokens.clear()
                self._ad_accounts.clear()
                self._audiences.clear()

    # ---- inspection ------------------------------------------------------------------------------

    def accepted_events(self, *, pixel_id: str | None = None, event_name: str | None = None,
                        event_id: str | None = None) -> list[AcceptedEvent]:
        with self._lock:
            return [e for e in self._events
                    if (pixel_id is None or e.pixel_id == str(pixel_id))
                    and (event_name is None or e.event_name == event_name)
                    and (event_id is None or e.event_id == str(event_id))]

    def deliveries(self, event_id: str) -> list[AcceptedEvent]:
        """Every accepted copy of `event_id` (server duplicates are NOT collapsed)."""
        return self.accepted_events(event_id=event_id)

    def requests(self) -> list[dict[str, Any]]:
        """Every Graph request seen (accepted or not): method, path, status, code, at."""
        with self._lock:
            return [dict(r) for r in self._requests]

    def audience(self, audience_id: str) -> Audience:
        with self._lock:
            return self._audiences[str(audience_id)]

    def audience_batches(self, audience_id: str, session_id: int | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [b for b in self._audiences[str(audience_id)].batches
                    if session_id is None or b["session_id"] == session_id]

    # ---- HTTP: Graph -----------------------------------------------------------------------------

    def _fbtrace_id(self) -> str:
        with self._lock:
            return "A" + "".join(self._trace_rng.choice(_TRACE_ALPHABET) for _ in range(26))

    def _error_response(self, err: GraphError) -> Response:
        return base.json_response({"error": {**err.body, "fbtrace_id": self._fbtrace_id()}}, err.status)

    async def _graph(self, request: Request) -> Response:
        path = "/" + request.path_params["path"]
        entry = {"method": request.method, "path": path, "status": None, "code": None,
                 "at": time.time()}
        with self._lock:
            self._requests.append(entry)
        try:
            await request.body()  # read (and cache) it now: a timed-out client is gone later
        except ClientDisconnect:
            entry["status"] = 499
            return Response(status_code=499)
        try:
            response = await self._faulted(request) or await self._route(request, path)
        except GraphError as err:
            entry["code"] = err.body["code"]
            response = self._error_response(err)
        entry["status"] = response.status_code
        return response

    async def _faulted(self, request: Request) -> Response | None:
        """Apply injected faults; returns a response when the request must fail."""
        with self._lock:
            f = self.faults
            latency = (self._rng.uniform(*f.latency_ms) if isinstance(f.latency_ms, tuple)
                       else float(f.latency_ms))
            queued = self._queue.popleft() if self._queue else None
            timeout = f.timeout_s if f.timeout_s > 0 and self._draw(f.timeout_rate) else 0.0
            error = self._draw(f.error_rate)
            throttle = self._draw(f.throttle_rate)
            style, throttle_code = f.error_style, f.throttle_code
        await base.sleep_ms(latency)
        if queued is not None:
            kind, timeout_s = queued
            if kind == "timeout":
                await base.sleep_ms(timeout_s * 1000)
                return None
            if kind == "unavailable":
                return PlainTextResponse("Service Unavailable", status_code=503)
            raise {
                "server_error": _server_error,
                "token_expired": lambda: _token_error("expired"),
                "token_invalid": lambda: _token_error(None),
                "invalid_parameter": lambda: invalid("Invalid parameter"),
            }.get(kind, lambda: _throttle(int(kind.split("_")[1])))()
        if timeout:
            await base.sleep_ms(timeout * 1000)
        if error:
            if style == "bare":
                return PlainTextResponse("Service Unavailable", status_code=503)
            raise _server_error()
        if throttle:
            raise _throttle(throttle_code)
        return None

    def _draw(self, rate: float) -> bool:
        return rate > 0 and (rate >= 1 or self._rng.random() < rate)

    async def _route(self, request: Request, path: str) -> Response:
        segments = [s for s in path.split("/") if s]
        version = "v24.0"
        if segments and re.match(r"^v\d", segments[0]):
            if not VERSION_RE.match(segments[0]):
                raise _unknown_path(path)
            version = segments.pop(0)
            self._check_version(version)
        try:
            params, _ = await base.read_params(request)
        except base.BodyError as exc:
            raise invalid(f"(#100) {exc}") from exc
        method = request.method
        if len(segments) == 1 and method == "GET" and not segments[0].startswith("act_"):
            return self._get_pixel(request, segments[0], params)
        if len(segments) == 2:
            node, edge = segments
            if edge == "events" and method == "POST":
                return self._post_events(request, node, version, params)
            if edge == "customaudiences" and method == "POST" and node.startswith("act_"):
                return self._create_audience(request, node.removeprefix("act_"), params)
            if edge == "insights" and method == "GET" and node.startswith("act_"):
                return self._get_insights(request, node.removeprefix("act_"), params)
            if edge == "users" and method in ("POST", "DELETE"):
                return self._audience_users(request, node, method, params)
        if segments:
            self._token(params, request)
            raise _unsupported(method, segments[0])
        raise _unknown_path(path)

    def _check_version(self, version: str) -> None:
        if version in self.versions:
            return
        major = float(version[1:])
        if self.versions and major < min(float(v[1:]) for v in self.versions):
            raise GraphError(400, f"(#2635) You are calling a deprecated version of the Ads API. Please "
                             f"update to the latest version: {self.versions[-1]}.", code=2635)
        raise _unknown_path(f"/{version}")  # [inferred] Graph has no such version yet

    def _token(self, params: dict[str, Any], request: Request) -> str:
        token = params.get("access_token") or base.bearer_token(request)
        if not token:
            # Graph answers a missing token with code 104, not 190 (observed).
            raise GraphError(400, "An access token is required to request this resource.", code=104)
        token = str(token)
        with self._lock:
            state = self._tokens.get(token)
        if state != "valid":
            raise _token_error(state)
        proof = params.get("appsecret_proof")
        if self.app_secret and proof is not None:
            expected = hmac.new(self.app_secret.encode(), token.encode(), hashlib.sha256).hexdigest()
            if not hmac.compare_digest(str(proof), expected):
                raise GraphError(400, "Invalid appsecret_proof provided in the API argument",
                                 type_="GraphMethodException", code=100)
        return token

    def _pixel_for(self, pixel_id: str, token: str, method: str) -> Pixel:
        with self._lock:
            pixel = self._pixels.get(pixel_id)
        if pixel is None or token not in pixel.tokens:
            raise _unsupported(method, pixel_id)
        return pixel

    # ---- GET /{pixel_id} -------------------------------------------------------------------------

    def _get_pixel(self, request: Request, pixel_id: str, params: dict[str, Any]) -> Response:
        token = self._token(params, request)
        pixel = self._pixel_for(pixel_id, token, "GET")
        requested = [f.strip() for f in str(params.get("fields") or "id,name").split(",") if f.strip()]
        for name in requested:
            if name not in PIXEL_FIELDS:
                raise invalid(f"(#100) Tried accessing nonexisting field ({name}) on node type (AdsPixel)")
        values = {
            "id": pixel.id, "name": pixel.name, "creation_time": pixel.creation_time,
            "last_fired_time": pixel.last_fired_time, "is_unavailable": False,
            "code": f"<!-- Meta Pixel Code --><script>fbq('init', '{pixel.id}');</script>",
            "data_use_setting": "ADVERTISING_AND_ANALYTICS",
            "first_party_cookie_status": "FIRST_PARTY_COOKIE_ENABLED",
            "is_created_by_business": True, "enable_automatic_matching": False,
        }
        body = {"id": pixel.id}
        for name in requested:
            if values.get(name) is not None:  # Graph omits fields without a value
                body[name] = values[name]
        return base.json_response(body)

    # ---- POST /{pixel_id}/events -----------------------------------------------------------------

    def _post_events(self, request: Request, pixel_id: str, version: str, params: dict[str, Any]) -> Response:
        token = self._token(params, request)
        pixel = self._pixel_for(pixel_id, token, "POST")
        events = self._parse_data(params.get("data"))
        now = self.clock()
        for i, event in enumerate(events):
            self._validate_event(i, event, now)
        for name in ("test_event_code", "partner_agent"):
            if params.get(name) is not None and not isinstance(params[name], str):
                raise invalid(f"(#100) param {name} must be a string")
        with self._lock:
            poison = self.faults.reject_event_ids
            subcode = self.faults.reject_subcode
        for event in events:
            if event.get("event_id") is not None and str(event["event_id"]) in poison:
                raise invalid("Invalid parameter", subcode=subcode, title="Invalid Event",
                              user_msg=f"Event {event['event_id']} was rejected (fault injected by "
                              "the fake). One invalid event rejects the whole batch.")
        trace = self._fbtrace_id()
        received = time.time()
        records = [AcceptedEvent(
            pixel_id=pixel.id, event_name=e["event_name"],
            event_id=None if e.get("event_id") is None else str(e["event_id"]),
            event_time=int(e["event_time"]), action_source=e["action_source"],
            test_event_code=params.get("test_event_code"), partner_agent=params.get("partner_agent"),
            fbtrace_id=trace, received_at=received, api_version=version, event=e) for e in events]
        with self._lock:
            self._events.extend(records)
            pixel.last_fired_time = _iso(received)
        return base.json_response({"events_received": len(events), "messages": [], "fbtrace_id": trace})

    def _parse_data(self, raw: Any) -> list[dict[str, Any]]:
        if raw is None or raw == "":
            raise invalid("(#100) The parameter data is required")
        data = _decode_json(raw, "data")
        if not isinstance(data, list):
            raise invalid("(#100) param data must be an array.")
        if not data:
            raise invalid("(#100) param data must be a non-empty array.")  # [inferred]
        if len(data) > MAX_EVENTS:
            raise invalid(f"(#100) param data must be an array of at most {MAX_EVENTS} elements.",
                          title="Too Many Events",
                          user_msg=f"You can send up to {MAX_EVENTS} events in data.")
        events = []
        for i, item in enumerate(data):
            event = _decode_json(item, f"data[{i}]")  # the Python SDK sends JSON strings
            if not isinstance(event, dict):
                raise invalid(f"(#100) param data[{i}] must be a JSON object")
            events.append(event)
        return events

    def _validate_event(self, i: int, e: dict[str, Any], now: float) -> None:
        where = f"data[{i}]"
        name = e.get("event_name")
        if not isinstance(name, str) or not name.strip():
            raise invalid(f"(#100) The parameter event_name is required ({where})")
        if e.get("event_id") is not None and not isinstance(e["event_id"], str | int):
            raise invalid(f"(#100) param {where}.event_id must be a string")
        action_source = e.get("action_source")
        if action_source is None:
            raise invalid(f"(#100) The parameter action_source is required ({where})")
        if action_source not in ACTION_SOURCES:
            raise invalid(f"(#100) param {where}.action_source must be one of "
                          f"{{{', '.join(sorted(ACTION_SOURCES))}}}", title="Invalid Action Source")
        self._validate_time(where, e.get("event_time"), action_source, now)
        user_data = e.get("user_data")
        if not isinstance(user_data, dict):
            raise invalid(f"(#100) The parameter user_data is required ({where})")
        self._validate_user_data(where, user_data)
        url = e.get("event_source_url")
        if url is not None and (not isinstance(url, str) or not re.match(r"^https?://\S+$", url)):
            raise invalid(f"(#100) param {where}.event_source_url must be a URL starting with http:// "
                          "or https://")
        if action_source == "website" and self.strict_website:
            for key, source in (("client_user_agent", user_data), ("event_source_url", e)):
                if not source.get(key):
                    raise invalid(f"(#100) The parameter {key} is required for website events ({where})",
                                  title="Missing Website Parameter")
        if action_source == "business_messaging":
            if e.get("messaging_channel") not in MESSAGING_CHANNELS:
                raise invalid(f"(#100) param {where}.messaging_channel must be one of "
                              "{whatsapp, messenger, instagram} for business_messaging events")
            if name not in MESSAGING_EVENT_NAMES:
                raise invalid("Invalid parameter", subcode=2804066,
                              title="Messaging Event Invalid Event Type",
                              user_msg=f"The event name {name} is not supported for business messaging "
                              f"events. Supported: {', '.join(sorted(MESSAGING_EVENT_NAMES))}.")
        self._validate_custom_data(where, name, e.get("custom_data"))
        dpo = e.get("data_processing_options")
        if dpo is not None and (not isinstance(dpo, list) or any(v != "LDU" for v in dpo)):
            raise invalid(f"(#100) param {where}.data_processing_options only accepts [\"LDU\"] or []")
        if e.get("opt_out") is not None and not isinstance(e["opt_out"], bool):
            raise invalid(f"(#100) param {where}.opt_out must be a boolean")

    def _validate_time(self, where: str, raw: Any, action_source: str, now: float) -> None:
        if isinstance(raw, bool) or not (isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit())):
            raise invalid(f"(#100) param {where}.event_time must be an integer (unix seconds)")
        event_time = int(raw)
        window = PHYSICAL_STORE_WINDOW_S if action_source == "physical_store" else SEVEN_DAYS_S
        if event_time < now - window:
            raise invalid(
                "Invalid parameter", subcode=2804003, title="Event Timestamp Too Old",
                user_msg="The timestamp for this event is too far in the past. Events need to be sent "
                "from your server within 7 days of when they occurred. Enter a timestamp that has "
                "occurred within the last 7 days.")
        if event_time > now + FUTURE_SKEW_S:
            raise invalid(f"(#100) param {where}.event_time is in the future", title="Event Timestamp In "
                          "Future", user_msg="The timestamp for this event is in the future. Send "
                          "event_time as unix seconds (not milliseconds) in GMT.")  # [inferred]

    def _validate_user_data(self, where: str, ud: dict[str, Any]) -> None:
        present = set()
        for key, value in ud.items():
            if value is None or value == "" or value == []:
                continue
            if key in HASHED_KEYS:
                values = value if isinstance(value, list) else [value]
                if not all(isinstance(v, str) and SHA256_RE.match(v) for v in values):
                    raise invalid(
                        "Invalid parameter", subcode=2804016, title="User Parameter Not Hashed",
                        user_msg=f"The {key} parameter isn\u2019t hashed. Hash all user parameters as "
                        "SHA256, except for client user agent, click ID, and browser ID. Any other user "
                        "parameters that are not hashed are automatically rejected by Facebook.")
            elif key == "external_id":  # hashing only recommended: raw or hashed strings
                values = value if isinstance(value, list) else [value]
                if not all(isinstance(v, str) and v for v in values):
                    raise invalid(f"(#100) param {where}.user_data.external_id must be a string or a "
                                  "list of strings")
            elif key in RAW_KEYS:
                self._validate_raw(where, key, value)
            if key in CUSTOMER_KEYS:
                present.add(key)
        if not present:
            raise invalid("Invalid parameter", subcode=SUBCODE_TOO_LITTLE_USER_DATA,
                          title="Missing Customer Information",
                          user_msg="user_data must contain at least one customer information parameter.")
        if any(present <= combo for combo in BASELINE_INVALID):
            raise invalid("Invalid parameter", subcode=SUBCODE_TOO_LITTLE_USER_DATA,
                          title="Insufficient Customer Information",
                          user_msg="The customer information parameters of this event ("
                          f"{', '.join(sorted(present))}) are not enough to match it. Add em, ph, "
                          "external_id, fbp, fbc or client_ip_address.")

    def _validate_raw(self, where: str, key: str, value: Any) -> None:
        bad = f"(#100) param {where}.user_data.{key} "
        if key in ("fb_login_id", "lead_id", "page_id", "page_scoped_user_id",
                   "whatsapp_business_account_id", "instagram_business_account_id", "ig_account_id"):
            if isinstance(value, bool) or not (isinstance(value, int) or
                                               (isinstance(value, str) and value.isdigit())):
                raise invalid(bad + "must be a numeric id")
            return
        if not isinstance(value, str) or not value.strip():
            raise invalid(bad + "must be a non-empty string")
        if SHA256_RE.match(value):
            raise invalid(bad + "must not be hashed", title="User Parameter Must Not Be Hashed",
                          user_msg=f"Do not hash {key}: send the raw value.")
        if key == "client_ip_address":
            try:
                ipaddress.ip_address(value)
            except ValueError as exc:
                raise invalid(bad + "must be a valid IPv4 or IPv6 address",
                              title="Invalid IP Address") from exc
        elif key in ("fbc", "fbp"):
            parts = value.split(".")
            if not (len(parts) in (4, 5) and parts[0] == "fb" and parts[1].isdigit()
                    and parts[2].isdigit() and all(parts[3:])):
                raise invalid(bad + f"is malformed: expected fb.<subdomain_index>.<creation_time_ms>."
                              f"<{'fbclid' if key == 'fbc' else 'random'}>[.<appendix>]",
                              title=f"Invalid {key} Value")

    def _validate_custom_data(self, where: str, name: str, cd: Any) -> None:
        if cd is None:
            cd = {}
        if not isinstance(cd, dict):
            raise invalid(f"(#100) param {where}.custom_data must be a JSON object")
        value, currency = cd.get("value"), cd.get("currency")
        value_ok = (not isinstance(value, bool) and isinstance(value, int | float)) or (
            isinstance(value, str) and bool(NUMERIC_RE.match(value.strip())))
        currency_ok = isinstance(currency, str) and bool(CURRENCY_RE.match(currency))
        if name == "Purchase" and not (value_ok and currency_ok):
            missing = "value" if not value_ok else "currency"
            raise invalid(f"(#100) param {where}.custom_data.{missing} is required for Purchase events "
                          "(value: a number; currency: ISO 4217, 3 letters)",
                          title="Missing Purchase Value Or Currency")
        if value is not None and not value_ok:
            raise invalid(f"(#100) param {where}.custom_data.value must be a number")
        if value_ok and float(value) < 0:  # "must represent a monetary amount" [inferred: not negative]
            raise invalid(f"(#100) param {where}.custom_data.value must not be negative")
        if currency is not None and not currency_ok:
            raise invalid(f"(#100) param {where}.custom_data.currency must be a 3-letter ISO 4217 code")

    # ---- Insights --------------------------------------------------------------------------------

    def _get_insights(self, request: Request, ad_account_id: str, params: dict[str, Any]) -> Response:
        """GET act_<id>/insights: level, fields, time_range {since, until} (or date_preset is refused
        here), time_increment=1 (one row per day), limit and the `after` cursor. Spend is a string."""
        token = self._token(params, request)
        with self._lock:
            grants = self._ad_accounts.get(ad_account_id)
            facts = list(self._insights.get(ad_account_id, ()))
        if grants is None or token not in grants:
            raise _unsupported("GET", f"act_{ad_account_id}")
        level = params.get("level", "account")
        if level not in INSIGHTS_LEVELS:
            raise invalid(f"(#100) param level must be one of {{{', '.join(INSIGHTS_LEVELS)}}}")
        fields = [f.strip() for f in str(params.get("fields", "spend")).split(",") if f.strip()]
        unknown = [f for f in fields if f not in INSIGHTS_FIELDS]
        if unknown:
            raise invalid(f"(#100) {unknown[0]} is not valid for fields param.")
        if str(params.get("time_increment", "1")) != "1":
            raise invalid("(#100) this fake serves time_increment=1 only")
        time_range = _decode_json(params.get("time_range"), "time_range")
        if not isinstance(time_range, dict) or not all(
                isinstance(time_range.get(k), str) and DATE_RE.match(time_range[k]) for k in ("since", "until")):
            raise invalid("(#100) param time_range must be {'since':'YYYY-MM-DD','until':'YYYY-MM-DD'}")
        since, until = time_range["since"], time_range["until"]
        if since > until:
            raise invalid("(#100) time_range: since must not be after until")
        try:
            limit = int(params.get("limit", 25))
            offset = int(base64.b64decode(str(params.get("after", "MA==")), validate=True)) if params.get("after") \
                else 0
        except ValueError as exc:
            raise invalid("(#100) param limit / after is invalid") from exc
        if not 1 <= limit <= 5000:
            raise invalid("(#100) param limit must be between 1 and 5000")
        depth = INSIGHTS_LEVELS.index(level)
        keys = ("campaign_id", "adset_id", "ad_id")[:depth]
        totals: dict[tuple, dict[str, Any]] = {}
        for f in facts:
            if not since <= f["date"] <= until:
                continue
            key = (f["date"], *(f[k] for k in keys))
            row = totals.setdefault(key, {"account_id": ad_account_id, "account_currency": f["account_currency"],
                                          "date_start": f["date"], "date_stop": f["date"], "spend": 0.0,
                                          "impressions": 0, "clicks": 0,
                                          **{k: f[k] for k in keys},
                                          **({"campaign_name": f.get("campaign_name")} if depth >= 1 else {})})
            row["spend"] += float(f["spend"])
            row["impressions"] += int(f.get("impressions", 0))
            row["clicks"] += int(f.get("clicks", 0))
        ordered = [totals[k] for k in sorted(totals)]
        page = ordered[offset:offset + limit]
        data = []
        for row in page:
            out = {k: (f"{row[k]:.2f}" if k == "spend" else str(row[k])) for k in fields if row.get(k) is not None}
            out["date_start"], out["date_stop"] = row["date_start"], row["date_stop"]  # always returned
            data.append(out)
        body: dict[str, Any] = {"data": data}
        if page:
            after = base64.b64encode(str(offset + len(page)).encode()).decode()
            body["paging"] = {"cursors": {"before": base64.b64encode(str(offset).encode()).decode(),
                                          "after": after}}
            if offset + len(page) < len(ordered):
                query = {k: v for k, v in request.query_params.items() if k != "after"}
                body["paging"]["next"] = str(request.url.replace_query_params(**query, after=after))
        return base.json_response(body)

    # ---- Custom Audiences ------------------------------------------------------------------------

    def _create_audience(self, request: Request, ad_account_id: str, params: dict[str, Any]) -> Response:
        token = self._token(params, request)
        with self._lock:
            grants = self._ad_accounts.get(ad_account_id)
        if grants is None or token not in grants:
            raise _unsupported("POST", f"act_{ad_account_id}")
        name = params.get("name")
        if not isinstance(name, str) or not name.strip():
            raise invalid("(#100) The parameter name is required")
        subtype = params.get("subtype", "CUSTOM")
        if subtype != "CUSTOM":
            raise invalid(f"(#100) param subtype must be CUSTOM in this fake (got {subtype!r})")
        source = params.get("customer_file_source")
        if source not in CUSTOMER_FILE_SOURCES:
            raise invalid("(#100) param customer_file_source must be one of "
                          f"{{{', '.join(sorted(CUSTOMER_FILE_SOURCES))}}}")
        with self._lock:
            self._audience_seq += 1
            audience_id = str(23_850_000_000_000_000 + self._audience_seq)
            self._audiences[audience_id] = Audience(audience_id, ad_account_id, name, subtype, source,
                                                    params.get("description"))
        return base.json_response({"id": audience_id})

    def _audience_users(self, request: Request, audience_id: str, method: str,
                        params: dict[str, Any]) -> Response:
        token = self._token(params, request)
        with self._lock:
            audience = self._audiences.get(audience_id)
            allowed = audience is not None and token in self._ad_accounts.get(audience.ad_account_id, ())
        if not allowed:
            raise _unsupported(method, audience_id)
        payload = _decode_json(params.get("payload"), "payload")
        if not isinstance(payload, dict):
            raise invalid("(#100) The parameter payload is required")
        schema, data = payload.get("schema"), payload.get("data")
        keys = [schema] if isinstance(schema, str) else schema
        if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
            raise invalid("(#100) param payload.schema must be a string or a list of strings")
        unknown = [k for k in keys if k not in AUDIENCE_KEYS]
        if unknown:
            raise invalid(f"(#100) Invalid schema field(s): {', '.join(unknown)}")
        if not isinstance(data, list) or not data:
            raise invalid("(#100) param payload.data must be a non-empty array")
        if len(data) > MAX_AUDIENCE_ROWS:
            raise invalid(f"(#100) Too many entries in payload.data: at most {MAX_AUDIENCE_ROWS} per "
                          "request", title="Too Many Entries")  # [inferred] wording
        rows: list[tuple[str, ...]] = []
        for i, row in enumerate(data):
            cells = [row] if isinstance(schema, str) else row
            if not isinstance(cells, list) or len(cells) != len(keys):
                raise invalid(f"(#100) payload.data[{i}] does not match the schema ({len(keys)} fields)")
            rows.append(tuple("" if c is None else str(c) for c in cells))
        invalid_samples: dict[str, str] = {}
        valid_rows = []
        for row in rows:
            bad = next((k for k, v in zip(keys, row, strict=True)
                        if v and k not in AUDIENCE_UNHASHED and not SHA256_RE.match(v)), None)
            if bad is None and any(row):
                valid_rows.append(row)
            elif len(invalid_samples) < 10:
                invalid_samples["|".join(row)] = f"Invalid format for {bad or 'row'}: not SHA-256 hashed"
        session = self._parse_session(params.get("session"))
        with self._lock:
            if session.get("session_id") is None:
                session["session_id"] = self._rng.randrange(10**15, 10**16)
            batch = {"op": "add" if method == "POST" else "remove", "session_id": session["session_id"],
                     "batch_seq": session.get("batch_seq"), "last_batch_flag": session.get("last_batch_flag"),
                     "estimated_num_total": session.get("estimated_num_total"), "schema": keys,
                     "num_received": len(rows), "num_invalid_entries": len(rows) - len(valid_rows),
                     "rows": valid_rows, "at": time.time()}
            audience.batches.append(batch)
            if method == "POST":
                audience.members.update(valid_rows)
            else:
                audience.members.difference_update(valid_rows)
        return base.json_response({
            "audience_id": audience_id, "session_id": session["session_id"], "num_received": len(rows),
            "num_invalid_entries": len(rows) - len(valid_rows), "invalid_entry_samples": invalid_samples})

    @staticmethod
    def _parse_session(raw: Any) -> dict[str, Any]:
        if raw is None or raw == "":
            return {}
        session = _decode_json(raw, "session")
        if not isinstance(session, dict):
            raise invalid("(#100) param session must be a JSON object")
        for key in ("session_id", "batch_seq", "estimated_num_total"):
            v = session.get(key)
            if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
                raise invalid(f"(#100) param session.{key} must be a non-negative integer")
        if session.get("batch_seq") is not None and session["batch_seq"] < 1:
            raise invalid("(#100) param session.batch_seq must be >= 1")
        flag = session.get("last_batch_flag")
        if flag is not None and not isinstance(flag, bool):
            raise invalid("(#100) param session.last_batch_flag must be a boolean")
        return dict(session)

    # ---- HTTP: control (/_fake/...) --------------------------------------------------------------

    def _control_routes(self) -> list[Route]:
        async def body(request: Request) -> dict[str, Any]:
            raw = await request.body()
            return json.loads(raw) if raw else {}

        def ok(extra: dict[str, Any] | None = None) -> Response:
            return base.json_response({"ok": True, **(extra or {})})

        def bad(message: str) -> Response:
            return base.json_response({"ok": False, "error": message}, 400)

        async def health(request: Request) -> Response:
            return ok()

        async def reset(request: Request) -> Response:
            self.reset(registry=bool((await body(request)).get("registry")))
            return ok()

        async def pixels(request: Request) -> Response:
            b = await body(request)
            tokens = b.get("tokens") or ([b["token"]] if b.get("token") else [])
            self.add_pixel(str(b["pixel_id"]), *tokens, name=b.get("name"))
            return ok()

        async def ad_accounts(request: Request) -> Response:
            b = await body(request)
            tokens = b.get("tokens") or ([b["token"]] if b.get("token") else [])
            self.add_ad_account(str(b["ad_account_id"]), *tokens)
            return ok()

        async def tokens(request: Request) -> Response:
            self.add_token(str((await body(request))["token"]))
            return ok()

        async def revoke(request: Request) -> Response:
            reason = (await body(request)).get("reason", "revoked")
            try:
                self.revoke_token(request.path_params["token"], reason)
            except ValueError as exc:
                return bad(str(exc))
            return ok()

        async def faults(request: Request) -> Response:
            if request.method == "DELETE":
                self.clear_faults()
            elif request.method == "POST":
                b = await body(request)
                fail_next = b.pop("fail_next", None)
                try:
                    self.set_faults(**b)
                    if fail_next:
                        self.fail_next(int(fail_next.get("n", 1)), fail_next.get("kind", "server_error"),
                                       timeout_s=float(fail_next.get("timeout_s", 5.0)))
                except (TypeError, ValueError) as exc:
                    return bad(str(exc))
            with self._lock:
                return ok({"faults": self.faults.to_dict(), "queued": [k for k, _ in self._queue]})

        async def config(request: Request) -> Response:
            b = await body(request)
            if "strict_website" in b:
                self.strict_website = bool(b["strict_website"])
            if "now" in b:
                self.freeze_time(b["now"])
            return ok({"strict_website": self.strict_website, "now": self.clock()})

        async def events(request: Request) -> Response:
            q = request.query_params
            found = self.accepted_events(pixel_id=q.get("pixel_id"), event_name=q.get("event_name"),
                                         event_id=q.get("event_id"))
            return base.json_response({"count": len(found), "events": [e.to_dict() for e in found]})

        async def requests_(request: Request) -> Response:
            return base.json_response({"requests": self.requests()})

        async def audience(request: Request) -> Response:
            try:
                a = self.audience(request.path_params["audience_id"])
            except KeyError:
                return base.json_response({"ok": False, "error": "unknown audience"}, 404)
            with self._lock:
                return base.json_response({
                    "id": a.id, "ad_account_id": a.ad_account_id, "name": a.name,
                    "customer_file_source": a.customer_file_source, "members": len(a.members),
                    "batches": [{k: v for k, v in b.items() if k != "rows"} for b in a.batches]})

        return [
            Route("/_fake/health", health, methods=["GET"]),
            Route("/_fake/reset", reset, methods=["POST"]),
            Route("/_fake/pixels", pixels, methods=["POST"]),
            Route("/_fake/ad_accounts", ad_accounts, methods=["POST"]),
            Route("/_fake/tokens", tokens, methods=["POST"]),
            Route("/_fake/tokens/{token}/revoke", revoke, methods=["POST"]),
            Route("/_fake/faults", faults, methods=["GET", "POST", "DELETE"]),
            Route("/_fake/config", config, methods=["POST"]),
            Route("/_fake/events", events, methods=["GET"]),
            Route("/_fake/requests", requests_, methods=["GET"]),
            Route("/_fake/audiences/{audience_id}", audience, methods=["GET"]),
        ]


def _pair(value: str) -> tuple[str, str]:
    left, sep, right = value.partition(":")
    if not sep or not left or not right:
        raise ValueError(f"expected ID:TOKEN, got {value!r}")
    return left, right


def main(argv: list[str] | None = None) -> None:
    def add_arguments(parser):
        parser.add_argument("--pixel", action="append", default=[], metavar="ID:TOKEN",
                            help="register a pixel/dataset readable and writable by TOKEN (repeatable)")
        parser.add_argument("--ad-account", action="append", default=[], metavar="ID:TOKEN",
                            help="register act_ID for Custom Audiences by TOKEN (repeatable)")
        parser.add_argument("--lenient-website", action="store_true",
                            help="accept website events without client_user_agent/event_source_url")
        parser.add_argument("--seed", type=int, default=0, help="seed for faults and fbtrace ids")

    def build(args):
        fake = MetaFake(strict_website=not args.lenient_website, seed=args.seed)
        for value in args.pixel:
            fake.add_pixel(*_pair(value))
        for value in args.ad_account:
            fake.add_ad_account(*_pair(value))
        return fake.app

    base.run_cli("meta_graph", build, default_port=8101, add_arguments=add_arguments, argv=argv)


if __name__ == "__main__":
    main()
