"""A strict local fake of the Cloudflare API v4 zones and DNS records endpoints.

Speaks /work/shared/reference/provisioning.md §1: every answer is the v4 envelope
`{"success", "errors": [{"code", "message", "error_chain"?}], "messages", "result", "result_info"?}`,
served under `/client/v4`, so the official SDK works pointed at it:

    fake = CloudflareFake()
    zone_id = fake.add_zone("customer.com")
    fake.add_token("TOKEN", "customer.com")            # a token sees only the zones it is scoped to
    with serve(fake.app) as server:                     # fakes.base.serve
        cf = cloudflare.AsyncCloudflare(api_token="TOKEN", base_url=server.url + "/client/v4")
    fake.cname_targets("track.customer.com")            # what public DNS would answer (not proxied)

Process form: `python -m fakes.cloudflare --port 8104 --zone customer.com:TOKEN`, controlled under
`/_fake/...` (`POST /_fake/seed {"zones": [{"name", "tokens": [...]}], "records": [...]}`).

Error codes: 81053/81054/81057 (record conflicts), 1004 + chain 9007 (bad CNAME content), 6003 + chain
6111 (bad Authorization header), 9109 (invalid token), 10000 (token not allowed on the zone), 7003
(no route / unknown zone id), 971 (429) are observed (reference §1.3). The other chain codes under
1004 (9000 name, 9005/9006 A/AAAA content, 9020 type, 9021 ttl, 9003 proxied, 9101 comment), 81044
(unknown record id), 9207 (unparseable body), 1001 (bad page number) and 10001 for a 500 are
[inferred]: branch on the top-level code and the HTTP status, not on them.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fakes import base
from fakes._provider import ProviderFake

PREFIX = "/client/v4"
RECORD_TYPES = frozenset({"A", "AAAA", "CAA", "CERT", "CNAME", "DNSKEY", "DS", "HTTPS", "LOC", "MX",
                          "NAPTR", "NS", "OPENPGPKEY", "PTR", "SMIMEA", "SRV", "SSHFP", "SVCB", "TLSA",
                          "TXT", "URI"})
PROXIABLE = frozenset({"A", "AAAA", "CNAME"})
LABEL_RE = re.compile(r"^(\*|[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)$")
RECORD_FIELDS = frozenset({"type", "name", "content", "ttl", "proxied", "comment", "tags", "priority",
                           "settings", "data"})


class CfError(Exception):
    def __init__(self, status: int, code: int, message: str, chain: list[tuple[int, str]] | None = None):
        super().__init__(message)
        self.status = status
        self.error: dict[str, Any] = {"code": code, "message": message}
        if chain:
            self.error["error_chain"] = [{"code": c, "message": m} for c, m in chain]


def _validation(code: int, message: str) -> CfError:
    return CfError(400, 1004, "DNS Validation Error", [(code, message)])


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _new_id() -> str:
    return secrets.token_hex(16)


def _host(value: str) -> str:
    return value.strip().rstrip(".").lower()


def _valid_hostname(name: str) -> bool:
    return 0 < len(name) <= 253 and all(LABEL_RE.match(label) for label in name.split("."))


@dataclass
class Zone:
    id: str
    name: str
    status: str = "active"
    created_on: str = field(default_factory=_now)

    def to_result(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "status": self.status, "paused": False,
                "type": "full", "name_servers": ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"],
                "account": {"id": "0" * 32, "name": "Customer account"},
                "plan": {"id": "0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "name": "Free Website"},
                "created_on": self.created_on, "modified_on": self.created_on}


@dataclass
class Record:
    id: str
    zone_id: str
    zone_name: str
    type: str
    name: str
    content: str
    ttl: int = 1
    proxied: bool = False
    comment: str | None = None
    tags: list[str] = field(default_factory=list)
    created_on: str = field(default_factory=_now)
    modified_on: str = field(default_factory=_now)

    def to_result(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("zone_id")
        out.pop("zone_name")
        out.update(proxiable=self.type in PROXIABLE, settings={}, meta={})
        return out


class CloudflareFake(ProviderFake):
    name = "cloudflare"

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self._zones: dict[str, Zone] = {}
        self._tokens: dict[str, set[str]] = {}  # token -> zone ids it may use
        self._records: dict[str, Record] = {}
        errors = (CfError,)
        async def dns(request: Request) -> Response:
            return base.json_response({"cname": self.cname_targets(request.path_params["name"])})

        self.app = Starlette(routes=self.control_routes([Route("/_fake/dns/{name}", dns, methods=["GET"])]) + [
            self.route(PREFIX + "/zones", self._list_zones, ["GET"], errors),
            self.route(PREFIX + "/zones/{zone_id}", self._get_zone, ["GET"], errors),
            self.route(PREFIX + "/zones/{zone_id}/dns_records", self._records_route, ["GET", "POST"], errors),
            self.route(PREFIX + "/zones/{zone_id}/dns_records/{record_id}", self._record_route,
                       ["GET", "PUT", "PATCH", "DELETE"], errors),
            self.route("/{path:path}", self._no_route, ["GET", "POST", "PUT", "PATCH", "DELETE"], errors),
        ])

    # ---- registry & inspection -------------------------------------------------------------------

    def add_zone(self, name: str, *tokens: str, status: str = "active") -> str:
        with self._lock:
            zone = next((z for z in self._zones.values() if z.name == _host(name)), None)
            if zone is None:
                zone = Zone(_new_id(), _host(name), status)
                self._zones[zone.id] = zone
            for token in tokens:
                self._tokens.setdefault(token, set()).add(zone.id)
            return zone.id

    def add_token(self, token: str, *zone_names: str) -> None:
        """Register `token`, scoped to `zone_names` (which must exist)."""
        with self._lock:
            scope = self._tokens.setdefault(token, set())
            for name in zone_names:
                scope.add(next(z.id for z in self._zones.values() if z.name == _host(name)))

    def revoke_token(self, token: str) -> None:
        with self._lock:
            self._tokens.pop(token, None)

    def add_record(self, zone_id: str, type: str, name: str, content: str, *, proxied: bool = False,
                   ttl: int = 1) -> dict[str, Any]:
        """Seed a record (a customer's existing DNS) without going through the API or the counters."""
        with self._lock:
            zone = self._zones[zone_id]
            record = Record(_new_id(), zone_id, zone.name, type, self._fqdn(zone, name), content, ttl, proxied)
            self._records[record.id] = record
            return record.to_result()

    def records(self, zone_id: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [r.to_result() for r in self._records.values() if zone_id in (None, r.zone_id)]

    def cname_targets(self, hostname: str) -> list[str]:
        """The CNAME targets public DNS would answer for `hostname`: a proxied record answers with
        Cloudflare's own addresses, so it shows no CNAME."""
        with self._lock:
            return [r.content for r in self._records.values()
                    if r.type == "CNAME" and r.name == _host(hostname) and not r.proxied]

    def reset(self, *, registry: bool = False) -> None:
        super().reset()
        with self._lock:
            self._records.clear()
            if registry:
                self._zones.clear()
                self._tokens.clear()

    def seed(self, body: dict[str, Any]) -> dict[str, Any]:
        ids = {z["name"]: self.add_zone(z["name"], *z.get("tokens", [])) for z in body.get("zones", [])}
        for token in body.get("tokens", []):
            self.add_token(token["token"], *token.get("zones", []))
        for r in body.get("records", []):
            self.add_record(ids[r["zone"]], r["type"], r["name"], r["content"], proxied=r.get("proxied", False))
        return {"zones": ids}

    # ---- envelope ---------------------------------------------------------------------------------

    @staticmethod
    def _ok(result: Any, status: int = 200, result_info: dict[str, Any] | None = None) -> Response:
        body: dict[str, Any] = {"success": True, "errors": [], "messages": [], "result": result}
        if result_info is not None:
            body["result_info"] = result_info
        return base.json_response(body, status)

    def error_response(self, exc: Exception) -> Response:
        assert isinstance(exc, CfError)
        return base.json_response({"success": False, "errors": [exc.error], "messages": [], "result": None},
                                  exc.status)

    def fault_response(self, kind: str, retry_after: int) -> Response:
        if kind == "rate_limited":
            err = CfError(429, 971, "Please wait and consider throttling your request speed")
            response = self.error_response(err)
            response.headers["retry-after"] = str(retry_after)
            return response
        if kind == "unauthorized":
            return self.error_response(CfError(401, 9109, "Invalid access token"))
        return self.error_response(CfError(500, 10001, "Internal server error"))

    # ---- auth & lookups ---------------------------------------------------------------------------

    def _token_zones(self, request: Request) -> set[str]:
        header = request.headers.get("authorization")
        if header is None and request.headers.get("x-auth-key"):
            raise CfError(400, 6003, "Invalid request headers", [(6103, "Invalid format for X-Auth-Key header")])
        token = base.bearer_token(request)
        if token is None:
            raise CfError(400, 6003, "Invalid request headers",
                          [(6111, "Invalid format for Authorization header")])
        with self._lock:
            zones = self._tokens.get(token)
        if zones is None:
            raise CfError(401, 9109, "Invalid access token")
        return zones

    def _zone(self, request: Request, zone_id: str) -> Zone:
        allowed = self._token_zones(request)
        with self._lock:
            zone = self._zones.get(zone_id)
        if zone is None:
            raise CfError(404, 7003, f"Could not route to {request.url.path}, perhaps your object "
                          "identifier is invalid?")
        if zone_id not in allowed:
            raise CfError(403, 10000, "Authentication error")
        return zone

    @staticmethod
    def _fqdn(zone: Zone, name: str) -> str:
        name = _host(name)
        if name in ("@", ""):
            return zone.name
        return name if name == zone.name or name.endswith("." + zone.name) else f"{name}.{zone.name}"

    @staticmethod
    def _page(request: Request, default_per_page: int, max_per_page: int) -> tuple[int, int]:
        try:
            page = int(request.query_params.get("page", "1"))
            per_page = int(request.query_params.get("per_page", str(default_per_page)))
        except ValueError as exc:
            raise CfError(400, 1001, "Invalid page or per_page parameter") from exc  # [inferred] code
        return max(page, 1), min(max(per_page, 5), max_per_page)

    def _paged(self, request: Request, items: list[dict[str, Any]], default_per_page: int,
               max_per_page: int) -> Response:
        page, per_page = self._page(request, default_per_page, max_per_page)
        chunk = items[(page - 1) * per_page: page * per_page]  # past the last page: [] (the SDK relies on it)
        total_pages = (len(items) + per_page - 1) // per_page
        return self._ok(chunk, result_info={"page": page, "per_page": per_page, "count": len(chunk),
                                            "total_count": len(items), "total_pages": total_pages})

    # ---- zones ------------------------------------------------------------------------------------

    async def _list_zones(self, request: Request) -> Response:
        allowed = self._token_zones(request)
        name = request.query_params.get("name")
        status = request.query_params.get("status")
        with self._lock:
            zones = [z.to_result() for z in self._zones.values()
                     if z.id in allowed and (name is None or z.name == _host(name))
                     and (status is None or z.status == status)]
        return self._paged(request, sorted(zones, key=lambda z: z["name"]), 20, 50)

    async def _get_zone(self, request: Request, zone_id: str) -> Response:
        return self._ok(self._zone(request, zone_id).to_result())

    async def _no_route(self, request: Request, path: str) -> Response:
        raise CfError(404, 7003, "No route for the URI")

    # ---- dns records ------------------------------------------------------------------------------

    async def _records_route(self, request: Request, zone_id: str) -> Response:
        zone = self._zone(request, zone_id)
        if request.method == "POST":
            return self._ok(self._write(zone, None, await self._body(request), full=True).to_result())
        q = request.query_params
        if q.get("type") is not None and q["type"] not in RECORD_TYPES:
            raise _validation(9020, "Invalid DNS record type")
        exact = q.get("name.exact") or q.get("name")
        content = q.get("content.exact") or q.get("content")
        filters = {
            "type": lambda r: r.type == q["type"],
            "name": lambda r: r.name == self._fqdn(zone, exact),
            "name.contains": lambda r: q["name.contains"].lower() in r.name,
            "name.startswith": lambda r: r.name.startswith(q["name.startswith"].lower()),
            "name.endswith": lambda r: r.name.endswith(q["name.endswith"].lower()),
            "content": lambda r: r.content == content,
            "proxied": lambda r: str(r.proxied).lower() == q["proxied"].lower(),
        }
        given = {"type": q.get("type"), "name": exact, "name.contains": q.get("name.contains"),
                 "name.startswith": q.get("name.startswith"), "name.endswith": q.get("name.endswith"),
                 "content": content, "proxied": q.get("proxied")}
        active = [check for key, check in filters.items() if given[key] is not None]
        combine = any if q.get("match") == "any" and active else all
        with self._lock:
            found = [r for r in self._records.values()
                     if r.zone_id == zone.id and combine(check(r) for check in active)]
        found.sort(key=lambda r: (r.type, r.name, r.created_on))
        return self._paged(request, [r.to_result() for r in found], 100, 5_000_000)

    async def _record_route(self, request: Request, zone_id: str, record_id: str) -> Response:
        zone = self._zone(request, zone_id)
        with self._lock:
            record = self._records.get(record_id)
        if record is None or record.zone_id != zone.id:
            raise CfError(404, 81044, "Record does not exist.")
        if request.method == "GET":
            return self._ok(record.to_result())
        if request.method == "DELETE":
            with self._lock:
                self._records.pop(record_id, None)
            return self._ok({"id": record_id})
        return self._ok(self._write(zone, record, await self._body(request),
                                    full=request.method == "PUT").to_result())

    @staticmethod
    async def _body(request: Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except ValueError as exc:
            raise CfError(400, 9207, "Request body is invalid.") from exc  # [inferred] code
        if not isinstance(body, dict):
            raise CfError(400, 9207, "Request body is invalid.")
        return body

    def _write(self, zone: Zone, current: Record | None, body: dict[str, Any], *, full: bool) -> Record:
        """Create (current None), overwrite (PUT, full) or patch a record after validating it."""
        merged: dict[str, Any] = {"ttl": 1, "proxied": False} if full or current is None else {
            "type": current.type, "name": current.name, "content": current.content, "ttl": current.ttl,
            "proxied": current.proxied, "comment": current.comment, "tags": current.tags}
        merged.update({k: v for k, v in body.items() if k in RECORD_FIELDS})
        rtype, name, content = merged.get("type"), merged.get("name"), merged.get("content")
        if not isinstance(rtype, str) or rtype not in RECORD_TYPES:
            raise _validation(9020, "Invalid DNS record type")
        if not isinstance(name, str) or not _valid_hostname(self._fqdn(zone, name)):
            raise _validation(9000, "DNS name is invalid.")
        if not isinstance(content, str) or not content.strip():
            raise _validation(9007 if rtype == "CNAME" else 9005, f"Content for {rtype} record is invalid.")
        name = self._fqdn(zone, name)
        if rtype == "CNAME":
            content = _host(content)
            if not _valid_hostname(content) or content == name:
                raise _validation(9007, "Content for CNAME record is invalid.")
        elif rtype in ("A", "AAAA"):
            try:
                ok = ipaddress.ip_address(content).version == (4 if rtype == "A" else 6)
            except ValueError:
                ok = False
            if not ok:
                raise _validation(9005 if rtype == "A" else 9006,
                                  f"Content for {rtype} record must be a valid IPv{4 if rtype == 'A' else 6} address.")
        ttl = merged.get("ttl")
        if isinstance(ttl, bool) or not isinstance(ttl, int) or not (ttl == 1 or 60 <= ttl <= 86_400):
            raise _validation(9021, "Invalid TTL. Must be between 60 and 86400 seconds, or 1 for automatic.")
        proxied = merged.get("proxied")
        if not isinstance(proxied, bool):
            raise _validation(9003, "Invalid 'proxied' value, must be a boolean")
        if proxied and rtype not in PROXIABLE:
            raise _validation(9003, f"{rtype} records cannot be proxied.")
        comment = merged.get("comment")
        if comment is not None and (not isinstance(comment, str) or len(comment) > 100):
            raise _validation(9101, "DNS record comment is invalid or too long.")
        with self._lock:
            self._check_conflicts(zone, current, rtype, name, content)
            if current is None:
                current = Record(_new_id(), zone.id, zone.name, rtype, name, content)
                self._records[current.id] = current
                self.created["dns_record"] += 1
            current.type, current.name, current.content = rtype, name, content
            current.ttl, current.proxied, current.comment = ttl, proxied, comment
            current.tags = list(merged.get("tags") or [])
            current.modified_on = _now()
            return current

    def _check_conflicts(self, zone: Zone, current: Record | None, rtype: str, name: str, content: str) -> None:
        others = [r for r in self._records.values()
                  if r.zone_id == zone.id and r.name == name and (current is None or r.id != current.id)]
        if any(r.type == rtype and r.content == content for r in others):
            raise CfError(400, 81057, "Record already exists.")
        if rtype == "CNAME" and any(r.type in PROXIABLE for r in others):
            raise CfError(400, 81053, "An A, AAAA, or CNAME record with that host already exists.")
        if rtype in ("A", "AAAA") and any(r.type == "CNAME" for r in others):
            raise CfError(400, 81054, "A CNAME record with that host already exists.")


def main(argv: list[str] | None = None) -> None:
    fake = CloudflareFake()

    def build(args):
        for spec in args.zone:
            zone, _, token = spec.partition(":")
            fake.add_zone(zone, *([token] if token else []))
        return fake.app

    base.run_cli("cloudflare", build, default_port=8104, argv=argv,
                 add_arguments=lambda p: p.add_argument("--zone", action="append", default=[],
                                                        help="ZONE[:TOKEN], repeatable"))


if __name__ == "__main__":
    main()
