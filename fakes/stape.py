"""A strict local fake of the Stape API v2 (sGTM hosting): containers, zones, statuses, custom domains.

Speaks /work/shared/reference/provisioning.md §2: served under `/api/v2`, `X-AUTH-TOKEN: <key>`,
success bodies wrapped as `{"body": ...}` (lists: `{"body": {"items", "page", "perPage", "total"}}`,
resources: `{"body": [...]}`), validation errors as 400 `{"body": {"errors": {"<field>": ["msg"]}}}`
and other errors as `{"error": {"code", "message", "description", "error"}}`.

    fake = StapeFake(dns_lookup=cloudflare_fake.cname_targets, deploy_delay_s=0.2)
    fake.add_api_key("KEY")
    with serve(fake.app) as server:                  # fakes.base.serve
        httpx.get(server.url + "/api/v2/containers", headers={"X-AUTH-TOKEN": "KEY"})
    fake.stick_containers()                          # new and deploying containers never reach Running

A container is "Deploying" for `deploy_delay_s` after it is created, then "Running" (or stays
"Deploying" while stuck; "Failed" after `fail_containers()`). A custom domain is "Pending" until a
`revalidate` asks `dns_lookup(name)` (the CNAME targets public DNS answers) and finds its
`records[].value`; then it is "Ready". Stape does not document its status `type` strings: the
vocabulary below ([inferred] types, observed labels "Running" and "Ready") is served by
`/resources/container-statuses` and `/resources/domain-statuses` so clients can read it.

Process form: `python -m fakes.stape --port 8105 --api-key KEY`, controlled under `/_fake/...`.
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

from fakes import base
from fakes._provider import ProviderFake

PREFIX = "/api/v2"
CONTAINER_STATUSES = [("new", "New"), ("deploying", "Deploying"), ("running", "Running"),
                      ("updating", "Updating"), ("stopped", "Stopped"), ("suspended", "Suspended"),
                      ("blocked", "Blocked"), ("failed", "Failed"), ("deleting", "Deleting"),
                      ("deleted", "Deleted")]
DOMAIN_STATUSES = [("pending", "Pending"), ("ready", "Ready"), ("error", "Error")]
ZONES = [
    {"type": "eu", "label": "Europe (Frankfurt)", "ip": "34.107.0.10", "defaultDomain": "eu.stape.io",
     "loadDomain": "load.eu.stape.io"},
    {"type": "us", "label": "USA (Iowa)", "ip": "34.120.0.10", "defaultDomain": "us.stape.io",
     "loadDomain": "load.us.stape.io"},
    {"type": "sa", "label": "South America (Sao Paulo)", "ip": "34.95.0.10", "defaultDomain": "san.stape.io",
     "loadDomain": "load.san.stape.io"},
    {"type": "ap", "label": "Asia Pacific (Singapore)", "ip": "34.87.0.10", "defaultDomain": "ap.stape.io",
     "loadDomain": "load.ap.stape.io"},
]
CDN_TYPES = ("stape", "custom", "none")
CONNECTION_TYPES = ("stape", "entri")
BLANK = "This value should not be blank."


class StapeError(Exception):
    def __init__(self, status: int, message: str, *, errors: dict[str, list[str]] | None = None,
                 description: str = ""):
        super().__init__(message)
        self.status = status
        self.errors = errors
        self.description = description or message


def _option(pairs: list[tuple[str, str]], type_: str) -> dict[str, str]:
    return {"type": type_, "label": dict(pairs)[type_]}


@dataclass
class Domain:
    identifier: str
    name: str
    target: str
    cdn_type: str
    connection_type: str
    status: str = "pending"
    error: str | None = None
    verification_count: int = 0

    def to_body(self) -> dict[str, Any]:
        return {"identifier": self.identifier, "name": self.name,
                "status": _option(DOMAIN_STATUSES, self.status),
                "error": {"type": self.error, "label": "DNS record not found"} if self.error else None,
                "records": [{"type": {"type": "cname", "label": "CNAME"}, "host": self.name,
                             "value": self.target}],
                "recordType": "cname", "cdnType": self.cdn_type, "connectionType": self.connection_type,
                "issuer": "letsencrypt-prod", "isBadDomain": False,
                "verificationCount": self.verification_count}


@dataclass
class Container:
    identifier: str
    id: int
    name: str
    code: str
    zone: dict[str, str]
    created_at: float
    ready_at: float
    owner: str
    failed: bool = False
    running: bool = False
    domains: dict[str, Domain] = field(default_factory=dict)

    @property
    def stape_domain(self) -> str:
        return f"{self.identifier}.{self.zone['defaultDomain']}"

    def preview(self, status: str) -> dict[str, Any]:
        return {"identifier": self.identifier, "id": self.id, "name": self.name,
                "status": _option(CONTAINER_STATUSES, status), "zone": self.zone,
                "stapeDomain": self.stape_domain}


class StapeFake(ProviderFake):
    name = "stape"

    def __init__(self, *, dns_lookup: Callable[[str], list[str]] | None = None, deploy_delay_s: float = 2.0,
                 seed: int | None = 0, **kwargs: Any):
        super().__init__(**kwargs)
        self.dns_lookup = dns_lookup or (lambda name: [])
        self.deploy_delay_s = deploy_delay_s
        self.stuck = False
        self._rng = random.Random(seed)
        self._keys: set[str] = set()
        self._containers: dict[str, Container] = {}
        errors = (StapeError,)
        p = PREFIX
        self.app = Starlette(routes=self.control_routes() + [
            self.route(p + "/containers", self._containers_route, ["GET", "POST"], errors),
            self.route(p + "/containers/{identifier}", self._get_container, ["GET"], errors),
            self.route(p + "/containers/{identifier}/domains", self._domains_route, ["GET", "POST"], errors),
            self.route(p + "/containers/{identifier}/domains/{domain}", self._get_domain, ["GET", "PUT"], errors),
            self.route(p + "/containers/{identifier}/domains/{domain}/revalidate", self._revalidate,
                       ["POST"], errors),
            self.route(p + "/resources/{kind}", self._resources, ["GET"], errors),
            self.route("/{path:path}", self._no_route, ["GET", "POST", "PUT", "DELETE"], errors),
        ])

    # ---- registry, control, inspection ------------------------------------------------------------

    def add_api_key(self, key: str) -> None:
        with self._lock:
            self._keys.add(key)

    def stick_containers(self, stuck: bool = True) -> None:
        """While stuck, containers that are not Running yet stay "Deploying"; unstuck, they finish."""
        with self._lock:
            self.stuck = stuck

    def fail_containers(self) -> None:
        """Every container that is not Running yet ends "Failed"."""
        with self._lock:
            for c in self._containers.values():
                if self._status(c) != "running":
                    c.failed = True

    def containers(self) -> list[dict[str, Any]]:
        with self._lock:
            return [c.preview(self._status(c)) for c in self._containers.values()]

    def reset(self, *, registry: bool = False) -> None:
        super().reset()
        with self._lock:
            self._containers.clear()
            self.stuck = False
            if registry:
                self._keys.clear()

    def seed(self, body: dict[str, Any]) -> dict[str, Any]:
        for key in body.get("api_keys", []):
            self.add_api_key(key)
        if "deploy_delay_s" in body:
            self.deploy_delay_s = float(body["deploy_delay_s"])
        if "stuck" in body:
            self.stick_containers(bool(body["stuck"]))
        return {"ok": True}

    # ---- envelope ---------------------------------------------------------------------------------

    def error_response(self, exc: Exception) -> Response:
        assert isinstance(exc, StapeError)
        if exc.errors is not None:
            return base.json_response({"body": {"errors": exc.errors}}, exc.status)
        return base.json_response({"error": {"code": exc.status, "message": str(exc),
                                             "description": exc.description,
                                             "error": str(exc).lower().replace(" ", "_")}}, exc.status)

    def fault_response(self, kind: str, retry_after: int) -> Response:
        if kind == "rate_limited":
            response = self.error_response(StapeError(429, "Too Many Requests"))
            response.headers["retry-after"] = str(retry_after)
            return response
        if kind == "unauthorized":
            return self.error_response(StapeError(401, "Unauthorized", description="Invalid API key"))
        return self.error_response(StapeError(500, "Internal Server Error"))

    @staticmethod
    def _ok(body: Any, status: int = 200) -> Response:
        return base.json_response({"body": body}, status)

    # ---- helpers ----------------------------------------------------------------------------------

    def _auth(self, request: Request) -> str:
        key = request.headers.get("x-auth-token")
        if not key:
            raise StapeError(401, "Unauthorized", description="API key is missing (X-AUTH-TOKEN header)")
        with self._lock:
            if key not in self._keys:
                raise StapeError(401, "Unauthorized", description="Invalid API key")
        return key

    def _status(self, c: Container) -> str:
        if c.failed:
            return "failed"
        if c.running or (not self.stuck and self.clock() >= c.ready_at):
            c.running = True  # once Running, a later stick_containers() does not undo it
            return "running"
        return "deploying"

    def _container(self, request: Request, identifier: str) -> Container:
        key = self._auth(request)
        with self._lock:
            c = self._containers.get(identifier)
        if c is None or c.owner != key:
            raise StapeError(404, "Not Found", description=f"Container {identifier} not found")
        return c

    @staticmethod
    async def _form(request: Request) -> dict[str, Any]:
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError as exc:
            raise StapeError(400, "Not all parameters correct", errors={"": ["Invalid JSON body."]}) from exc
        if not isinstance(body, dict):
            raise StapeError(400, "Not all parameters correct", errors={"": ["Invalid JSON body."]})
        return body

    def _new_identifier(self) -> str:
        return "".join(self._rng.choice(string.ascii_lowercase) for _ in range(8))

    # ---- containers -------------------------------------------------------------------------------

    async def _containers_route(self, request: Request) -> Response:
        key = self._auth(request)
        if request.method == "POST":
            return self._create_container(key, await self._form(request))
        try:
            page = max(int(request.query_params.get("page", "1")), 1)
            limit = min(max(int(request.query_params.get("limit", "20")), 1), 100)
        except ValueError as exc:
            raise StapeError(400, "Not all parameters correct",
                             errors={"page": ["This value should be of type int."]}) from exc
        with self._lock:
            items = [c.preview(self._status(c)) for c in self._containers.values() if c.owner == key]
        wanted = request.query_params.get("status")
        items = [i for i in items if wanted in (None, i["status"]["type"])]
        return self._ok({"items": items[(page - 1) * limit: page * limit], "page": page, "perPage": limit,
                         "total": len(items)})

    def _create_container(self, key: str, form: dict[str, Any]) -> Response:
        errors: dict[str, list[str]] = {}
        name, code, zone = form.get("name"), form.get("code"), form.get("zone")
        if not isinstance(name, str) or not name.strip():
            errors["name"] = [BLANK]
        elif len(name) > 255:
            errors["name"] = ["This value is too long. It should have 255 characters or less."]
        if not isinstance(code, str) or not code.strip():
            errors["code"] = [BLANK]
        elif len(code) < 64:
            errors["code"] = ["This value is too short. It should have 64 characters or more."]
        elif len(code) > 255:
            errors["code"] = ["This value is too long. It should have 255 characters or less."]
        zone_type = zone.get("type") if isinstance(zone, dict) else None
        zone_obj = next((z for z in ZONES if z["type"] == zone_type), None)
        if zone is None or zone_type is None:
            errors["zone"] = [BLANK]
        elif zone_obj is None:
            errors["zone.type"] = ["The value you selected is not a valid choice."]
        if errors:
            raise StapeError(400, "Not all parameters correct", errors=errors)
        now = self.clock()
        with self._lock:
            identifier = self._new_identifier()
            c = Container(identifier, len(self._containers) + 1, name.strip(), code, dict(zone_obj), now,
                          now + self.deploy_delay_s, key)
            self._containers[identifier] = c
            self.created["container"] += 1
            return self._ok(self._full(c), 201)

    def _full(self, c: Container) -> dict[str, Any]:
        return {**c.preview(self._status(c)), "code": c.code, "sGtmContainerId": None, "apiKey": None,
                "subscription": {"plan": "free"}, "warnings": []}

    async def _get_container(self, request: Request, identifier: str) -> Response:
        c = self._container(request, identifier)
        with self._lock:
            return self._ok(self._full(c))

    # ---- domains ----------------------------------------------------------------------------------

    async def _domains_route(self, request: Request, identifier: str) -> Response:
        c = self._container(request, identifier)
        if request.method == "GET":
            with self._lock:
                items = [d.to_body() for d in c.domains.values()]
            return self._ok({"items": items, "page": 1, "perPage": len(items), "total": len(items)})
        form = await self._form(request)
        errors: dict[str, list[str]] = {}
        name = form.get("name")
        host = name.strip().rstrip(".").lower() if isinstance(name, str) else ""
        labels = host.split(".")
        if not host:
            errors["name"] = [BLANK]
        elif len(labels) < 2 or not all(label and all(ch.isalnum() or ch == "-" for ch in label)
                                        for label in labels):
            errors["name"] = ["This value is not a valid domain name."]
        if form.get("cdnType") not in CDN_TYPES:
            errors["cdnType"] = [BLANK if form.get("cdnType") is None else
                                 "The value you selected is not a valid choice."]
        if form.get("connectionType", "stape") not in CONNECTION_TYPES:
            errors["connectionType"] = ["The value you selected is not a valid choice."]
        for flag in ("useCnameRecord", "useARecord"):
            if flag in form and not isinstance(form[flag], bool):
                errors[flag] = ["This value should be of type bool."]
        if errors:
            raise StapeError(400, "Not all parameters correct", errors=errors)
        with self._lock:
            if any(d.name == host for other in self._containers.values() for d in other.domains.values()):
                raise StapeError(409, "Conflict", description=f"Domain {host} is already in use")
            domain = Domain(self._new_identifier(), host, c.stape_domain, form["cdnType"],
                            form.get("connectionType", "stape"))
            c.domains[domain.identifier] = domain
            self.created["domain"] += 1
            return self._ok(domain.to_body(), 201)

    def _domain(self, request: Request, identifier: str, domain: str) -> Domain:
        c = self._container(request, identifier)
        with self._lock:
            found = c.domains.get(domain)
        if found is None:
            raise StapeError(404, "Not Found", description=f"Domain {domain} not found")
        return found

    async def _get_domain(self, request: Request, identifier: str, domain: str) -> Response:
        d = self._domain(request, identifier, domain)
        if request.method == "PUT":
            raise StapeError(410, "Gone", description="Domains cannot be edited; delete and add again")
        with self._lock:
            return self._ok(d.to_body())

    async def _revalidate(self, request: Request, identifier: str, domain: str) -> Response:
        d = self._domain(request, identifier, domain)
        answers = {a.strip().rstrip(".").lower() for a in self.dns_lookup(d.name)}
        with self._lock:
            d.verification_count += 1
            found = d.target in answers
            d.status, d.error = ("ready", None) if found else ("pending", "dns_record_not_found")
            return self._ok(d.to_body())

    # ---- resources --------------------------------------------------------------------------------

    async def _resources(self, request: Request, kind: str) -> Response:
        self._auth(request)
        options = {
            "container-zones": ZONES,
            "container-statuses": [{"type": t, "label": label} for t, label in CONTAINER_STATUSES],
            "domain-statuses": [{"type": t, "label": label} for t, label in DOMAIN_STATUSES],
            "container-domain-cdn-types": [{"type": t, "label": t.title()} for t in CDN_TYPES],
            "container-domain-record-types": [{"type": "a", "label": "A"}, {"type": "cname", "label": "CNAME"}],
        }
        if kind not in options:
            raise StapeError(404, "Not Found", description=f"Unknown resource {kind}")
        return self._ok(options[kind])

    async def _no_route(self, request: Request, path: str) -> Response:
        raise StapeError(404, "Not Found", description="No route found")


def _http_dns_lookup(cloudflare_fake_url: str) -> Callable[[str], list[str]]:
    def lookup(name: str) -> list[str]:
        answer = httpx.get(f"{cloudflare_fake_url.rstrip('/')}/_fake/dns/{name}", timeout=5)
        return list(answer.json()["cname"]) if answer.status_code == 200 else []

    return lookup


def main(argv: list[str] | None = None) -> None:
    def build(args):
        fake = StapeFake(deploy_delay_s=args.deploy_delay_s,
                         dns_lookup=_http_dns_lookup(args.dns_url) if args.dns_url else None)
        for key in args.api_key:
            fake.add_api_key(key)
        return fake.app

    def add_arguments(parser):
        parser.add_argument("--api-key", action="append", default=[], help="accepted X-AUTH-TOKEN, repeatable")
        parser.add_argument("--deploy-delay-s", type=float, default=2.0)
        parser.add_argument("--dns-url", default=None,
                            help="a Cloudflare fake's URL: revalidate asks its /_fake/dns/{name}")

    base.run_cli("stape", build, default_port=8105, argv=argv, add_arguments=add_arguments)


if __name__ == "__main__":
    main()
