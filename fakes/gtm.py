"""A strict local fake of the Google Tag Manager API v2, as `googleapiclient` calls it.

Speaks /work/shared/reference/provisioning.md §3.2-§3.8 under `/tagmanager/v2/...`: accounts,
containers (list/create/get/update, `:snippet`), workspaces, variables/triggers/tags (list, create,
get, update), `workspaces/W:create_version`, `versions/V:publish`, `versions:live`. Bodies are checked
against the bundled discovery document (unknown fields and enum values are refused, as Google does),
lists omit their key when empty (proto3 JSON), errors are Google JSON errors
`{"error": {"code", "message", "errors": [{"message", "domain", "reason"}], "status"}}`.

    fake = GtmFake()
    fake.add_account("6000000001", "Track AI")
    fake.add_token("SA-TOKEN", "6000000001")         # the service account is a user of that account
    with serve(fake.app) as server:                   # fakes.base.serve
        gtm = build("tagmanager", "v2", credentials=Credentials("SA-TOKEN"),
                    client_options={"api_endpoint": server.url + "/"}, static_discovery=True)

Auth: a Bearer token the fake does not know → 401 UNAUTHENTICATED; a known token on an account it was
not granted → 403 PERMISSION_DENIED; an account that does not exist → 404. A service account works end
to end: `add_service_account(email, public_key_pem, account)` and a key file whose `token_uri` is
`<fake>/token`; google-auth exchanges its signed JWT there (a bad signature or unknown account is 400
invalid_grant, as Google answers) for a token limited to the scopes it asked for (403
insufficientPermissions otherwise, e.g. publishing without tagmanager.publish). `fail_next(n,
"rate_limited")` answers 429 RESOURCE_EXHAUSTED (reason rateLimitExceeded / RATE_LIMIT_EXCEEDED).
`create_version` answers 200 `{"compilerError": true}` and keeps the workspace when a tag fires on (or
is blocked by) a trigger that does not exist, or any value references an undefined `{{variable}}`.
The duplicate-container message is observed (site-kit-wp#1817); the other 400 wordings are [inferred].

Process form: `python -m fakes.gtm --port 8106 --account 6000000001:SA-TOKEN`, controlled under
`/_fake/...`.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import random
import re
import string
from dataclasses import dataclass, field
from typing import Any

import google.auth.exceptions
import google.auth.jwt
import googleapiclient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

from fakes import base
from fakes._provider import ProviderFake

PREFIX = "/tagmanager/v2/"
UI = "https://tagmanager.google.com/#/container"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
ALL_PAGES = "2147479553"  # built-in "All Pages" trigger, usable without creating it
BUILT_IN_TRIGGERS = frozenset({ALL_PAGES, "2147479572", "2147479573"})  # All Pages, Initialization, Consent
BUILT_IN_VARIABLES = frozenset({"_event", "Event", "Page URL", "Page Hostname", "Page Path", "Referrer",
                                "Container ID", "Container Version", "Random Number", "HTML ID"})
VAR_REF_RE = re.compile(r"\{\{([^{}]+)\}\}")
KINDS = {"variables": ("variable", "variableId"), "triggers": ("trigger", "triggerId"),
         "tags": ("tag", "tagId")}
REQUIRED_PARAMS = {("variable", "c"): "value", ("variable", "v"): "name", ("variable", "jsm"): "javascript",
                   ("tag", "html"): "html"}
STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
          409: "ABORTED", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL"}
REASON = {400: "invalid", 401: "authError", 403: "forbidden", 404: "notFound", 409: "aborted",
          429: "rateLimitExceeded", 500: "backendError"}


def _discovery_schemas() -> dict[str, Any]:
    path = os.path.join(os.path.dirname(googleapiclient.__file__),
                        "discovery_cache", "documents", "tagmanager.v2.json")
    with open(path) as f:
        return json.load(f)["schemas"]


SCHEMAS = _discovery_schemas()


class GtmError(Exception):
    def __init__(self, status: int, message: str, *, reason: str | None = None,
                 details: list[dict[str, Any]] | None = None, status_name: str | None = None):
        super().__init__(message)
        self.status = status
        self.reason = reason or REASON[status]
        self.details = details
        self.status_name = status_name or STATUS[status]


class OAuthError(Exception):
    """An answer of the OAuth token endpoint: 400 `{"error", "error_description"}`."""

    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.error = error


def _scopes_for(method: str, rest: str) -> set[str]:
    """The scopes that allow a request (discovery document: per-method `scopes`)."""
    scope = "https://www.googleapis.com/auth/tagmanager."
    if rest.endswith(":create_version"):
        return {scope + "edit.containerversions"}
    if rest.endswith(":publish"):
        return {scope + "publish"}
    if method == "GET":
        return {scope + s for s in ("readonly", "edit.containers", "edit.containerversions", "publish",
                                    "manage.accounts")}
    return {scope + "edit.containers"}


def invalid(message: str) -> GtmError:
    return GtmError(400, message)


def _not_found() -> GtmError:
    return GtmError(404, "Not found or permission denied.")


@dataclass
class Workspace:
    id: str
    entities: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=lambda: {kind: {} for kind in KINDS})


@dataclass
class Container:
    account_id: str
    id: str
    body: dict[str, Any]
    auth: str
    workspaces: dict[str, Workspace] = field(default_factory=dict)
    versions: dict[str, dict[str, Any]] = field(default_factory=dict)
    live_version: str | None = None
    seq: int = 0

    def next_id(self) -> str:
        self.seq += 1
        return str(self.seq)

    @property
    def server(self) -> bool:
        return self.body["usageContext"] == ["server"]


class GtmFake(ProviderFake):
    name = "gtm"

    def __init__(self, *, page_size: int = 50, seed: int | None = 0, **kwargs: Any):
        super().__init__(**kwargs)
        self.page_size = page_size
        self._rng = random.Random(seed)
        self._accounts: dict[str, dict[str, Any]] = {}
        self._tokens: dict[str, set[str]] = {}
        self._scopes: dict[str, set[str]] = {}  # tokens issued by /token carry the scopes asked for
        self._service_accounts: dict[str, tuple[str, set[str]]] = {}  # email -> (public key PEM, accounts)
        self._containers: dict[str, Container] = {}
        self._fp = 1_700_000_000_000
        self._container_seq = 1000
        self.app = Starlette(routes=self.control_routes() + [
            self.route("/token", self._token_exchange, ["POST"], (OAuthError,)),
            self.route("/{path:path}", self._route, ["GET", "POST", "PUT", "DELETE"], (GtmError,)),
        ])

    # ---- registry, inspection ---------------------------------------------------------------------

    def add_account(self, account_id: str, name: str = "Track AI") -> None:
        with self._lock:
            self._accounts.setdefault(str(account_id), {
                "path": f"accounts/{account_id}", "accountId": str(account_id), "name": name,
                "fingerprint": self._fingerprint(), "tagManagerUrl": f"{UI}/accounts/{account_id}"})

    def add_token(self, token: str, *account_ids: str) -> None:
        """A service account's access token, a user of `account_ids` (none: it can call, but sees nothing)."""
        with self._lock:
            self._tokens.setdefault(token, set()).update(str(a) for a in account_ids)

    def add_service_account(self, email: str, public_key_pem: str, *account_ids: str) -> None:
        """A service account whose signed JWTs `POST /token` exchanges for access tokens (set the key
        file's `token_uri` to `<fake>/token`); it is a user of `account_ids`."""
        with self._lock:
            self._service_accounts[email] = (public_key_pem, {str(a) for a in account_ids})

    def revoke_token(self, token: str) -> None:
        with self._lock:
            self._tokens.pop(token, None)

    def containers(self, account_id: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [copy.deepcopy(c.body) for c in self._containers.values()
                    if account_id in (None, c.account_id)]

    def live_version(self, container_id: str) -> dict[str, Any] | None:
        with self._lock:
            c = self._containers[str(container_id)]
            return copy.deepcopy(c.versions[c.live_version]) if c.live_version else None

    def reset(self, *, registry: bool = False) -> None:
        super().reset()
        with self._lock:
            self._containers.clear()
            if registry:
                self._accounts.clear()
                self._tokens.clear()

    def seed(self, body: dict[str, Any]) -> dict[str, Any]:
        for account in body.get("accounts", []):
            self.add_account(account["id"], account.get("name", "Track AI"))
            for token in account.get("tokens", []):
                self.add_token(token, account["id"])
        return {"ok": True}

    # ---- envelope ---------------------------------------------------------------------------------

    def error_response(self, exc: Exception) -> Response:
        if isinstance(exc, OAuthError):
            return base.json_response({"error": exc.error, "error_description": str(exc)}, 400)
        assert isinstance(exc, GtmError)
        error: dict[str, Any] = {"code": exc.status, "message": str(exc),
                                 "errors": [{"message": str(exc), "domain": "global", "reason": exc.reason}],
                                 "status": exc.status_name}
        if exc.details:
            error["details"] = exc.details
        return base.json_response({"error": error}, exc.status)

    def fault_response(self, kind: str, retry_after: int) -> Response:
        if kind == "rate_limited":
            response = self.error_response(GtmError(
                429, "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user' of "
                "service 'tagmanager.googleapis.com' for consumer 'project_number:000000000000'.",
                details=[{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED",
                          "domain": "googleapis.com",
                          "metadata": {"service": "tagmanager.googleapis.com", "quota_limit_value": "15"}}]))
            response.headers["retry-after"] = str(retry_after)
            return response
        if kind == "unauthorized":
            return self.error_response(self._unauthenticated())
        return self.error_response(GtmError(500, "Internal error encountered."))

    @staticmethod
    def _unauthenticated() -> GtmError:
        return GtmError(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                        "login cookie or other valid authentication credential. See "
                        "https://developers.google.com/identity/sign-in/web/devconsole-project.")

    # ---- routing ----------------------------------------------------------------------------------

    async def _route(self, request: Request, path: str) -> Response:
        if not request.url.path.startswith(PREFIX):
            raise GtmError(404, f"The requested URL {request.url.path} was not found on this server.")
        alt = request.query_params.get("alt", "json")
        if alt != "json":
            raise invalid(f"Invalid value at 'alt' ({alt})")
        token = base.bearer_token(request)
        with self._lock:
            grants = self._tokens.get(token or "")
            scopes = self._scopes.get(token or "")
        if grants is None:
            raise self._unauthenticated()
        rest = request.url.path[len(PREFIX):]
        method = request.method
        if scopes is not None and not scopes & _scopes_for(method, rest):
            raise GtmError(403, "Request had insufficient authentication scopes.", reason="insufficientPermissions",
                           details=[{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                                     "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT", "domain": "googleapis.com"}])
        body = await self._body(request) if method in ("POST", "PUT") else {}
        if rest == "accounts" and method == "GET":
            with self._lock:
                found = [copy.deepcopy(a) for i, a in sorted(self._accounts.items()) if i in grants]
            return self._list(request, "account", found)
        m = re.fullmatch(r"accounts/([^/:]+)(.*)", rest)
        if not m:
            raise GtmError(404, f"The requested URL {request.url.path} was not found on this server.")
        account_id, tail = m.groups()
        with self._lock:
            if account_id not in self._accounts:
                raise _not_found()
            if account_id not in grants:
                raise GtmError(403, "The caller does not have permission")
            return self._account_route(request, account_id, tail, method, body)

    async def _token_exchange(self, request: Request) -> Response:
        """Google's OAuth token endpoint for a service account: a JWT signed with its key, for a token."""
        try:
            form, _ = await base.read_params(request)
        except base.BodyError as exc:
            raise OAuthError("invalid_request", str(exc)) from exc
        if form.get("grant_type") != JWT_BEARER:
            raise OAuthError("unsupported_grant_type", "Invalid grant_type: " + str(form.get("grant_type")))
        assertion = str(form.get("assertion") or "")
        try:
            unverified = google.auth.jwt.decode(assertion, verify=False)
        except ValueError as exc:
            raise OAuthError("invalid_request", "Invalid JWT: malformed") from exc
        with self._lock:
            known = self._service_accounts.get(str(unverified.get("iss")))
        if known is None:
            raise OAuthError("invalid_grant", "Invalid grant: account not found")
        try:  # google-auth addresses the assertion to Google's endpoint whatever the key's token_uri
            claims = google.auth.jwt.decode(assertion, certs=known[0], audience=GOOGLE_TOKEN_AUDIENCE)
        except (ValueError, google.auth.exceptions.GoogleAuthError) as exc:
            signature = "signature" in str(exc).lower()
            raise OAuthError("invalid_grant", "Invalid JWT Signature." if signature else f"Invalid JWT: {exc}") from exc
        token = "ya29.fake-" + "".join(self._rng.choice(string.ascii_letters + string.digits) for _ in range(24))
        with self._lock:
            self._tokens[token] = set(known[1])
            self._scopes[token] = set(str(claims.get("scope", "")).split())
            self.created["token"] += 1
        return base.json_response({"access_token": token, "expires_in": 3599, "token_type": "Bearer"})

    @staticmethod
    async def _body(request: Request) -> dict[str, Any]:
        raw = await request.body()
        if not raw:
            return {}
        try:
            body = json.loads(raw)
        except ValueError as exc:
            raise invalid("Invalid JSON payload received.") from exc
        if not isinstance(body, dict):
            raise invalid("Invalid JSON payload received. Expected an object.")
        return body

    def _account_route(self, request: Request, a: str, tail: str, method: str, body: dict[str, Any]) -> Response:
        q = request.query_params
        if tail == "" and method == "GET":
            return self._json(self._accounts[a])
        if tail == "/containers":
            if method == "POST":
                return self._json(self._create_container(a, body))
            return self._list(request, "container",
                              [c.body for c in self._containers.values() if c.account_id == a])
        m = re.fullmatch(r"/containers/([^/:]+)(.*)", tail)
        if not m:
            raise _not_found()
        c = self._containers.get(m.group(1))
        if c is None or c.account_id != a:
            raise _not_found()
        tail = m.group(2)
        if tail == "" and method == "GET":
            return self._json(c.body)
        if tail == "" and method == "PUT":
            return self._json(self._update_container(c, body, q.get("fingerprint")))
        if tail == ":snippet" and method == "GET":
            return self._json(self._snippet(c))
        if tail == "/workspaces" and method == "GET":
            return self._list(request, "workspace", [self._workspace_body(c, w) for w in c.workspaces.values()])
        if tail == "/versions:live" and method == "GET":
            if c.live_version is None:
                raise _not_found()
            return self._json(c.versions[c.live_version])
        m = re.fullmatch(r"/versions/([^/:]+)(:publish)?", tail)
        if m:
            version = c.versions.get(m.group(1))
            if version is None:
                raise _not_found()
            if m.group(2) and method == "POST":
                fingerprint = q.get("fingerprint")
                if fingerprint and fingerprint != version["fingerprint"]:
                    raise GtmError(400, "Fingerprint mismatch.", status_name="FAILED_PRECONDITION")
                c.live_version = version["containerVersionId"]
                self.created["publish"] += 1
                return self._json({"containerVersion": version})
            if not m.group(2) and method == "GET":
                return self._json(version)
            raise _not_found()
        m = re.fullmatch(r"/workspaces/([^/:]+)(.*)", tail)
        if not m or m.group(1) not in c.workspaces:
            raise _not_found()
        w, tail = c.workspaces[m.group(1)], m.group(2)
        if tail == "" and method == "GET":
            return self._json(self._workspace_body(c, w))
        if tail == ":create_version" and method == "POST":
            return self._json(self._create_version(c, w, body))
        m = re.fullmatch(r"/(variables|triggers|tags)(?:/([^/:]+))?", tail)
        if not m:
            raise _not_found()
        kind, entity_id = m.groups()
        entities = w.entities[kind]
        if entity_id is None and method == "GET":
            return self._list(request, KINDS[kind][0], list(entities.values()))
        if entity_id is None and method == "POST":
            return self._json(self._write_entity(c, w, kind, None, body))
        if entity_id not in entities:
            raise _not_found()
        if method == "GET":
            return self._json(entities[entity_id])
        if method == "PUT":
            fingerprint = q.get("fingerprint")
            if fingerprint and fingerprint != entities[entity_id]["fingerprint"]:
                raise GtmError(400, "Fingerprint mismatch.", status_name="FAILED_PRECONDITION")
            return self._json(self._write_entity(c, w, kind, entity_id, body))
        raise _not_found()

    @staticmethod
    def _json(body: dict[str, Any]) -> Response:
        return base.json_response(copy.deepcopy(body))

    def _list(self, request: Request, key: str, items: list[dict[str, Any]]) -> Response:
        token = request.query_params.get("pageToken") or "0"
        if not token.isdigit():
            raise invalid("Invalid page token.")
        start = int(token)
        page = items[start:start + self.page_size]
        body: dict[str, Any] = {key: copy.deepcopy(page)} if page else {}  # proto3 JSON omits empty lists
        if start + self.page_size < len(items):
            body["nextPageToken"] = str(start + self.page_size)
        return base.json_response(body)

    def _fingerprint(self) -> str:
        self._fp += 1
        return str(self._fp)

    # ---- validation -------------------------------------------------------------------------------

    @staticmethod
    def _check_fields(schema: str, body: dict[str, Any], where: str = "") -> None:
        props = SCHEMAS[schema]["properties"]
        for key, value in body.items():
            if key not in props:
                raise invalid(f'Invalid JSON payload received. Unknown name "{where}{key}": Cannot find field.')
            enum = props[key].get("enum") or props[key].get("items", {}).get("enum")
            values = value if isinstance(value, list) else [value]
            if enum and any(v not in enum for v in values):
                raise invalid(f'Invalid value at \'{where}{key}\': "{values[0]}"')

    def _check_parameters(self, params: Any, where: str) -> None:
        if not isinstance(params, list):
            raise invalid(f"Invalid value at '{where}': expected a list of Parameter.")
        for i, p in enumerate(params):
            here = f"{where}[{i}]"
            if not isinstance(p, dict):
                raise invalid(f"Invalid value at '{here}': expected a Parameter.")
            self._check_fields("Parameter", p, here + ".")
            ptype = p.get("type")
            if ptype in (None, "typeUnspecified"):
                raise invalid(f"{here}.type is required.")
            if ptype in ("list", "map"):
                self._check_parameters(p.get(ptype, []), f"{here}.{ptype}")
            elif not isinstance(p.get("value", ""), str):
                raise invalid(f"Invalid value at '{here}.value': values are strings.")
            if ptype == "map" or where.endswith(".list"):
                continue
            if not isinstance(p.get("key"), str) or not p["key"]:
                raise invalid(f"{here}.key is required.")

    def _validate_entity(self, kind: str, body: dict[str, Any]) -> None:
        singular = KINDS[kind][0]
        self._check_fields(singular.title(), body)
        name, etype = body.get("name"), body.get("type")
        if not isinstance(name, str) or not name.strip():
            raise invalid(f"{singular.title()} name is required.")
        if not isinstance(etype, str) or not etype or etype == "eventTypeUnspecified":
            raise invalid(f"{singular.title()} type is required.")
        if "parameter" in body:
            self._check_parameters(body["parameter"], "parameter")
        required = REQUIRED_PARAMS.get((singular, etype))
        if required and not any(p.get("key") == required for p in body.get("parameter", [])):
            raise invalid(f"{singular.title()} '{name}' of type {etype} requires the parameter '{required}'.")
        if kind == "triggers":
            if etype == "customEvent" and not body.get("customEventFilter"):
                raise invalid(f"Trigger '{name}' of type customEvent requires customEventFilter.")
            for key in ("customEventFilter", "filter", "autoEventFilter"):
                for i, cond in enumerate(body.get(key, [])):
                    if not isinstance(cond, dict):
                        raise invalid(f"Invalid value at '{key}[{i}]'.")
                    self._check_fields("Condition", cond, f"{key}[{i}].")
                    self._check_parameters(cond.get("parameter", []), f"{key}[{i}].parameter")
        if kind == "tags":
            for key in ("firingTriggerId", "blockingTriggerId"):
                ids = body.get(key, [])
                if not isinstance(ids, list) or not all(isinstance(t, str) and t.isdigit() for t in ids):
                    raise invalid(f"Invalid value at '{key}': trigger ids are strings of digits.")

    # ---- containers -------------------------------------------------------------------------------

    def _create_container(self, a: str, body: dict[str, Any]) -> dict[str, Any]:
        self._check_fields("Container", body)
        name, usage = body.get("name"), body.get("usageContext")
        if not isinstance(name, str) or not name.strip():
            raise invalid("Container name is required.")
        if not isinstance(usage, list) or len(usage) != 1:
            raise invalid("Container usageContext must hold exactly one platform.")
        if any(c.account_id == a and c.body["name"] == name for c in self._containers.values()):
            raise invalid("Returned an error response for your request.")
        self._check_urls(body.get("taggingServerUrls"), usage)
        self._container_seq += 1
        cid = str(self._container_seq)
        public_id = "GTM-" + "".join(self._rng.choice(string.ascii_uppercase + string.digits) for _ in range(7))
        container = Container(a, cid, {
            "path": f"accounts/{a}/containers/{cid}", "accountId": a, "containerId": cid, "name": name,
            "publicId": public_id, "usageContext": usage, "fingerprint": self._fingerprint(),
            "tagManagerUrl": f"{UI}/accounts/{a}/containers/{cid}/workspaces?apiLink=container",
            "features": {"supportWorkspaces": True, "supportVersions": True},
            **{k: body[k] for k in ("domainName", "notes", "taggingServerUrls") if k in body}},
            auth="".join(self._rng.choice(string.ascii_letters + string.digits) for _ in range(30)))
        ws = Workspace(container.next_id())
        container.workspaces[ws.id] = ws
        self._containers[cid] = container
        self.created["container"] += 1
        return container.body

    @staticmethod
    def _check_urls(urls: Any, usage: list[str]) -> None:
        if urls is None:
            return
        if usage != ["server"]:
            raise invalid("taggingServerUrls can only be set on a server container.")
        if not isinstance(urls, list) or not all(isinstance(u, str) and re.fullmatch(r"https://[^/\s]+(/\S*)?", u)
                                                 for u in urls):
            raise invalid("taggingServerUrls must be https URLs.")

    def _update_container(self, c: Container, body: dict[str, Any], fingerprint: str | None) -> dict[str, Any]:
        self._check_fields("Container", body)
        if fingerprint and fingerprint != c.body["fingerprint"]:
            raise GtmError(400, "Fingerprint mismatch.", status_name="FAILED_PRECONDITION")
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise invalid("Container name is required.")
        if body.get("usageContext", c.body["usageContext"]) != c.body["usageContext"]:
            raise invalid("usageContext cannot be changed.")
        if any(o is not c and o.account_id == c.account_id and o.body["name"] == name
               for o in self._containers.values()):
            raise invalid("Returned an error response for your request.")
        self._check_urls(body.get("taggingServerUrls"), c.body["usageContext"])
        c.body["name"] = name
        for key in ("domainName", "notes", "taggingServerUrls"):
            if key in body:
                c.body[key] = body[key]
            else:
                c.body.pop(key, None)
        c.body["fingerprint"] = self._fingerprint()
        self.created["container_update"] += 1
        return c.body

    def _snippet(self, c: Container) -> dict[str, Any]:
        public_id = c.body["publicId"]
        if c.server:
            config = f"id={public_id}&env=1&auth={c.auth}"
            return {"containerConfig": base64.b64encode(config.encode()).decode()}
        return {"snippet": (
            "<!-- Google Tag Manager -->\n<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':"
            "new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],j=d.createElement(s),"
            "dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src='https://www.googletagmanager.com/gtm.js?id='+i+dl;"
            f"f.parentNode.insertBefore(j,f);}})(window,document,'script','dataLayer','{public_id}');</script>\n"
            "<!-- End Google Tag Manager -->")}

    # ---- workspaces, entities, versions -----------------------------------------------------------

    def _workspace_body(self, c: Container, w: Workspace) -> dict[str, Any]:
        path = f"{c.body['path']}/workspaces/{w.id}"
        return {"path": path, "accountId": c.account_id, "containerId": c.id, "workspaceId": w.id,
                "name": "Default Workspace", "fingerprint": c.body["fingerprint"],
                "tagManagerUrl": f"{UI}/{path}?apiLink=workspace"}

    def _write_entity(self, c: Container, w: Workspace, kind: str, entity_id: str | None,
                      body: dict[str, Any]) -> dict[str, Any]:
        self._validate_entity(kind, body)
        singular, id_key = KINDS[kind]
        entities = w.entities[kind]
        if any(e["name"] == body["name"] and e[id_key] != entity_id for e in entities.values()):
            raise invalid(f"Found entity with duplicate name: {body['name']}")
        new = entity_id is None
        entity_id = entity_id or c.next_id()
        path = f"{c.body['path']}/workspaces/{w.id}/{kind}/{entity_id}"
        server_fields = {"accountId", "containerId", "workspaceId", "path", "fingerprint", "tagManagerUrl", id_key}
        entity = {k: v for k, v in body.items() if k not in server_fields}
        entity.update({"accountId": c.account_id, "containerId": c.id, "workspaceId": w.id, id_key: entity_id,
                       "path": path, "fingerprint": self._fingerprint(),
                       "tagManagerUrl": f"{UI}/{path}?apiLink={singular}"})
        entities[entity_id] = entity
        self.created[singular if new else f"{singular}_update"] += 1
        return entity

    @staticmethod
    def _compiler_errors(w: Workspace) -> list[str]:
        trigger_ids = set(w.entities["triggers"]) | BUILT_IN_TRIGGERS
        var_names = {v["name"] for v in w.entities["variables"].values()} | BUILT_IN_VARIABLES
        problems = []
        for tag in w.entities["tags"].values():
            for tid in tag.get("firingTriggerId", []) + tag.get("blockingTriggerId", []):
                if tid not in trigger_ids:
                    problems.append(f"tag '{tag['name']}' references missing trigger {tid}")
        for kind in KINDS:
            for entity in w.entities[kind].values():
                for ref in VAR_REF_RE.findall(json.dumps(entity.get("parameter", []))
                                              + json.dumps(entity.get("customEventFilter", []))):
                    if ref not in var_names:
                        problems.append(f"'{entity['name']}' references undefined variable {{{{{ref}}}}}")
        return problems

    def _create_version(self, c: Container, w: Workspace, body: dict[str, Any]) -> dict[str, Any]:
        self._check_fields("CreateContainerVersionRequestVersionOptions", body)
        if self._compiler_errors(w):
            return {"compilerError": True}
        version_id = str(len(c.versions) + 1)
        path = f"{c.body['path']}/versions/{version_id}"
        version: dict[str, Any] = {
            "path": path, "accountId": c.account_id, "containerId": c.id, "containerVersionId": version_id,
            "name": body.get("name", ""), "description": body.get("notes", ""),
            "container": copy.deepcopy(c.body), "fingerprint": self._fingerprint(),
            "tagManagerUrl": f"{UI}/{path}?apiLink=version"}
        for kind, (singular, _) in KINDS.items():
            if w.entities[kind]:
                version[singular] = copy.deepcopy(list(w.entities[kind].values()))
        c.versions[version_id] = version
        # like GTM: the workspace is replaced by a fresh one based on the new version
        del c.workspaces[w.id]
        fresh = Workspace(c.next_id(), copy.deepcopy(w.entities))
        for kind, (_, id_key) in KINDS.items():
            for entity in fresh.entities[kind].values():
                entity["workspaceId"] = fresh.id
                entity["path"] = f"{c.body['path']}/workspaces/{fresh.id}/{kind}/{entity[id_key]}"
        c.workspaces[fresh.id] = fresh
        self.created["version"] += 1
        return {"containerVersion": version, "newWorkspacePath": f"{c.body['path']}/workspaces/{fresh.id}"}


def main(argv: list[str] | None = None) -> None:
    fake = GtmFake()

    def build(args):
        for spec in args.account:
            account, _, token = spec.partition(":")
            fake.add_account(account)
            if token:
                fake.add_token(token, account)
        return fake.app

    base.run_cli("gtm", build, default_port=8106, argv=argv,
                 add_arguments=lambda p: p.add_argument("--account", action="append", default=[],
                                                        help="ACCOUNT_ID[:TOKEN], repeatable"))


if __name__ == "__main__":
    main()
