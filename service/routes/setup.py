"""No-code onboarding API: /api/v1/setup/sessions.

The caller is a signed-in user (Supabase JWT). Secrets are encrypted here, on arrival, and never
returned; everything else — membership, which steps run, what a correction re-runs, the status — is
decided in SQL (setup.create_session, setup.correct, setup.revalidate, setup.status_report).
The gateway is any row of tracking.gateways: its credential (`gateway_secret`) is kept encrypted under
the row's secret_kind and, for a token gateway, also as the SHA-256 its notifications are compared with.
"""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any
from uuid import UUID

import psycopg
from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

from core import tenants
from core.secrets import Keyring
from core.urls import collector_url, webhook_url
from service import gateways
from service.auth import require_user
from service.body import read_json_body
from service.errors import ApiError, documented
from service.schemas import body_doc

router = APIRouter(prefix="/api/v1/setup", tags=["setup"])

PIXEL = r"^[0-9]{15,16}$"
DOMAIN = r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.){2,}[a-z]{2,63}$"
TEST_CODE = r"^[A-Za-z0-9]{4,32}$"
URL = r"^https?://[^\s/?#]+[^\s]*$"
GATEWAY = r"^[a-z][a-z0-9_]{1,30}$"

# which app.secrets kind each secret field is kept as (gateway_secret: its gateway row's secret_kind)
SECRET_KINDS = {"meta_access_token": "meta_capi_token", "gateway_access_token": "mercadopago_access_token",
                "cloudflare_api_token": "cloudflare_api_token"}


class NewSession(BaseModel):
    """The lead's minimum data. Secrets are encrypted on arrival and never shown again."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    company_id: UUID | None = Field(None, description="An existing company you administer; omit to create one.")
    company_name: str | None = Field(None, min_length=1, max_length=200, description="For a new company.")
    pixel_id: str = Field(pattern=PIXEL)
    meta_access_token: SecretStr = Field(min_length=10, max_length=500, description="CAPI access token.")
    gateway: str = Field(pattern=GATEWAY, description="A gateway of tracking.gateways: perfectpay, mercadopago, "
                         "hotmart, kiwify, eduzz, monetizze, braip, kirvano, ticto or utmify.")
    gateway_secret: SecretStr = Field(min_length=1, max_length=200, description=(
        "The gateway's webhook credential, as its screen names it (tracking.gateways.credential_label): Perfect "
        "Pay token, Mercado Pago secret signature, Hotmart hottok, Kiwify webhook token, Eduzz secret key, "
        "Monetizze / Braip chave única, Kirvano / Ticto token, or the x-api-token you set for the Utmify format."))
    gateway_access_token: SecretStr | None = Field(None, min_length=8, max_length=300,
                                                   description="Mercado Pago access token (Mercado Pago only).")
    landing_url: str = Field(pattern=URL, max_length=2000)
    tracking_domain: str = Field(pattern=DOMAIN, max_length=253, description="e.g. track.cliente.com.br")
    cloudflare_api_token: SecretStr = Field(min_length=20, max_length=300,
                                            description="Cloudflare API token with Zone.DNS:Edit on the zone.")
    test_event_code: str | None = Field(None, pattern=TEST_CODE)

    @model_validator(mode="after")
    def _company(self):
        if (self.company_id is None) == (self.company_name is None):
            raise ValueError("give either company_id (an existing company) or company_name (a new one)")
        return self


class Correction(BaseModel):
    """Any field of the session; only the steps that depend on what changed re-run."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    pixel_id: str | None = Field(None, pattern=PIXEL)
    meta_access_token: SecretStr | None = Field(None, min_length=10, max_length=500)
    gateway_secret: SecretStr | None = Field(None, min_length=1, max_length=200)
    gateway_access_token: SecretStr | None = Field(None, min_length=8, max_length=300)
    landing_url: str | None = Field(None, pattern=URL, max_length=2000)
    tracking_domain: str | None = Field(None, pattern=DOMAIN, max_length=253)
    cloudflare_api_token: SecretStr | None = Field(None, min_length=20, max_length=300)
    test_event_code: str | None = Field(None, pattern=TEST_CODE)


class Revalidate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    all: bool = Field(False, description="Re-run every step, not only the failed ones.")


class SessionCreated(BaseModel):
    session_id: UUID
    company_id: UUID
    status: str
    webhook_url: str
    collector_url: str
    collector_key: str


# Timestamps are ISO 8601 strings as the database writes them (passed through, not re-formatted).
class Diagnosis(BaseModel):
    """A failed or retrying step's setup.diagnosis_rules row: what it means and what to do."""

    code: str
    severity: str = Field(description="error | warning")
    message_pt: str
    message_en: str
    field: str | None = Field(description="The session field to correct, if one is at fault.")
    next_action: str
    retries_by_itself: bool


class StepStatus(BaseModel):
    name: str
    phase: str = Field(description="validate | provision | qa")
    status: str = Field(description="pending | queued | running | succeeded | retrying | failed | skipped")
    attempts: int
    depends_on: list[str]
    queued_at: str | None
    started_at: str | None
    finished_at: str | None
    next_attempt_at: str | None
    result: dict[str, Any]
    last_error: str | None
    diagnosis: Diagnosis | None


class SessionStatus(BaseModel):
    """setup.status_report, with the webhook URL the gateway is to call."""

    session_id: UUID
    company_id: UUID
    status: str = Field(description="validating | provisioning | awaiting_event | event_received | active | "
                                    "needs_attention")
    gateway: str
    pixel_id: str
    landing_url: str
    tracking_domain: str
    test_event_code: str | None
    collector_key: str
    webhook_url: str
    created_at: str
    validating_at: str | None
    provisioning_at: str | None
    awaiting_event_at: str | None
    event_received_at: str | None
    active_at: str | None
    needs_attention_at: str | None
    steps: list[StepStatus] | None = Field(description="In the order they run (null before any is planned).")


class Rerun(BaseModel):
    session_id: UUID
    rerun: list[str] = Field(description="The steps queued again.")


class Snippet(BaseModel):
    version: int
    sha256: str
    author: str
    created_at: str
    snippet: str = Field(description="The script's body.")
    html: str = Field(description="What to paste into the landing page's <head>.")
    webhook_instructions: str | None = Field(description="Where to paste the webhook URL in the gateway.")


class SnippetVersion(BaseModel):
    version: int
    sha256: str
    author: str
    created_at: str
    inputs: dict[str, Any] = Field(description="What the version was rendered from.")


class SnippetVersions(BaseModel):
    versions: list[SnippetVersion] = Field(description="Newest first.")


class GtmContainerExport(BaseModel):
    """Google Tag Manager's container export (exportFormatVersion 2), as its import screen takes it."""

    model_config = ConfigDict(extra="allow")

    exportFormatVersion: int  # noqa: N815 - GTM's names
    exportTime: str  # noqa: N815
    containerVersion: dict[str, Any] = Field(  # noqa: N815
        description="container, tag, trigger, variable, builtInVariable")


ANSWERS = documented({401: {"description": "Missing or invalid access token"},
                      403: {"description": "Not an admin of the company"},
                      404: {"description": "No such session (or not yours)"},
                      422: {"description": "Invalid fields"}})


async def _parse(request: Request, model: type[BaseModel], *, optional: bool = False):
    """The body as the model: capped while it streams in (413), JSON (400), valid fields (422); with optional,
    an empty body is the model's defaults."""
    text = await read_json_body(request, optional=optional)
    if text is None:
        return model()
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None


def _invalid(field: str, problem: str) -> ApiError:
    """A field refused after parsing, in the same shape as the validation errors."""
    return ApiError(422, "invalid_fields", f"invalid or missing fields: {field} ({problem})",
                    {"fields": [{"field": field, "problem": problem}]})


async def _gateway(request: Request, name: str, body: BaseModel) -> gateways.Gateway:
    """The session's gateway as tracking.gateways describes it, and its credentials checked against it."""
    known = await gateways.of(request.app)
    config = known.get(name)
    if config is None:
        raise _invalid("gateway", f"Track AI takes no notifications from {name!r}; it knows {', '.join(sorted(known))}")
    secret = getattr(body, "gateway_secret", None)
    if secret is not None and len(secret.get_secret_value()) < config.credential_min_length:
        raise _invalid("gateway_secret", f"a {config.label} {config.credential_label} has at least "
                                         f"{config.credential_min_length} characters")
    access_token = getattr(body, "gateway_access_token", None)
    if config.auth == "mercadopago" and access_token is None and isinstance(body, NewSession):
        raise _invalid("gateway_access_token", "Mercado Pago needs gateway_access_token to fetch payments")
    if config.auth != "mercadopago" and access_token is not None:
        raise _invalid("gateway_access_token", "gateway_access_token is for Mercado Pago sessions only")
    return config


def _encrypt_all(conn: psycopg.Connection, keyring: Keyring, company_id: str, gateway: gateways.Gateway,
                 body: BaseModel) -> list[str]:
    """Store every secret field given; the names of those stored."""
    stored = []
    for field in ("meta_access_token", "gateway_secret", "gateway_access_token", "cloudflare_api_token"):
        value = getattr(body, field)
        if value is None:
            continue
        kind = gateway.secret_kind if field == "gateway_secret" else SECRET_KINDS[field]
        tenants.put_secret(conn, keyring, company_id, kind, value.get_secret_value())
        stored.append(field)
    return stored


def _token_hash(body: BaseModel, gateway: gateways.Gateway) -> str | None:
    """A token gateway's credential as its endpoint keeps it (the digest each notification is compared with)."""
    secret = getattr(body, "gateway_secret", None)
    return tenants.sha256_hex(secret.get_secret_value()) if secret is not None and gateway.auth == "token" else None


def _token_taken(exc: psycopg.errors.UniqueViolation) -> bool:
    """Another company's endpoint has this token (the Utmify format finds the company by it alone)."""
    return exc.diag.constraint_name == "endpoints_token_idx"


TOKEN_TAKEN = ("gateway_secret", "another company already uses this token: create a new one in your platform")


async def _session_for(request: Request, claims: dict, session_id: UUID, min_role: str) -> dict:
    """The session as the user may see it (RLS), with the user's role checked for changes."""
    async with request.app.state.pool.connection() as conn, conn.transaction():
        await conn.execute("select set_config('request.jwt.claims', %s, true),"
                           " set_config('role', 'authenticated', true)", (json.dumps(claims),))
        cur = await conn.execute(
            "select s.company_id, s.gateway, app.has_company_access(s.company_id, %s)"
            " from setup.sessions s where s.id = %s", (min_role, session_id))
        row = await cur.fetchone()
    if row is None:
        raise ApiError(404, "session_not_found", "no setup session with this id is visible to you")
    if not row[2]:
        if claims.get("is_anonymous") is True:  # app.has_company_access said no; say why
            raise ApiError(403, "forbidden", "an anonymous sign-in cannot change a setup session: "
                                             "sign up with an email or a provider first")
        raise ApiError(403, "forbidden", f"changing a setup session needs the {min_role} role")
    return {"company_id": str(row[0]), "gateway": row[1]}


def _run_sync(request: Request, work):
    """Secrets go through the synchronous keyring helpers: one short transaction on its own connection."""
    def in_thread():
        with psycopg.connect(request.app.state.settings.dsn, autocommit=False) as conn:
            out = work(conn)
            conn.commit()
            return out
    return asyncio.to_thread(in_thread)


@router.post("/sessions", status_code=201, response_model=SessionCreated, responses=ANSWERS,
             openapi_extra=body_doc(NewSession), summary="Start onboarding a company from five fields")
async def create_session(request: Request, claims: Annotated[dict, Depends(require_user)]) -> SessionCreated:
    body: NewSession = await _parse(request, NewSession)
    gateway = await _gateway(request, body.gateway, body)
    settings = request.app.state.settings
    keyring = Keyring.parse(settings.secret_key)
    fields = body.model_dump(include={"pixel_id", "gateway", "landing_url", "tracking_domain", "test_event_code"})

    def work(conn: psycopg.Connection) -> dict:
        # the user's claims for this one call: setup.create_session refuses anonymous sign-ins (is_anonymous)
        conn.execute("select set_config('request.jwt.claims', %s, true)", (json.dumps(claims),))
        row = conn.execute(
            "select s.id::text, s.company_id::text, s.gateway, s.webhook_key, s.collector_key"
            " from setup.create_session(%s, %s, %s, %s::jsonb, %s) s",
            (body.company_id, body.company_name, claims["sub"], json.dumps(fields),
             _token_hash(body, gateway))).fetchone()
        conn.execute("select set_config('request.jwt.claims', '', true)")
        session = dict(zip(("id", "company_id", "gateway", "webhook_key", "collector_key"), row, strict=True))
        _encrypt_all(conn, keyring, session["company_id"], gateway, body)
        conn.execute("select setup.advance(%s)", (session["id"],))
        session["status"] = conn.execute("select status from setup.sessions where id = %s",
                                         (session["id"],)).fetchone()[0]
        return session

    try:
        s = await _run_sync(request, work)
    except psycopg.errors.InsufficientPrivilege as exc:
        raise ApiError(403, "forbidden", exc.diag.message_primary) from None
    except psycopg.errors.UniqueViolation as exc:
        if _token_taken(exc):
            raise _invalid(*TOKEN_TAKEN) from None
        raise ApiError(409, "session_exists", "this company already has a setup session; correct it with PATCH") \
            from None
    return SessionCreated(session_id=s["id"], company_id=s["company_id"], status=s["status"],
                          webhook_url=webhook_url(settings, s), collector_url=collector_url(settings),
                          collector_key=s["collector_key"])


@router.get("/sessions/{session_id}/status", response_model=SessionStatus, responses=ANSWERS,
            summary="Each step with its state, attempts, timestamps, last error and diagnosis")
async def session_status(session_id: UUID, request: Request, claims: Annotated[dict, Depends(require_user)]) -> dict:
    await _session_for(request, claims, session_id, "viewer")
    async with request.app.state.pool.connection() as conn:
        report = await (await conn.execute("select setup.status_report(%s)", (session_id,))).fetchone()
    report = report[0]
    report["webhook_url"] = webhook_url(request.app.state.settings, {"gateway": report["gateway"],
                                                                      "webhook_key": report.pop("webhook_key")})
    return report


@router.post("/sessions/{session_id}/validate", response_model=Rerun, responses=ANSWERS,
             openapi_extra=body_doc(Revalidate),
             summary="Re-run the failed steps (or all of them)")
async def revalidate(session_id: UUID, request: Request, claims: Annotated[dict, Depends(require_user)]) -> dict:
    await _session_for(request, claims, session_id, "marketing_admin")
    body: Revalidate = await _parse(request, Revalidate, optional=True)
    async with request.app.state.pool.connection() as conn:
        rerun = await (await conn.execute("select setup.revalidate(%s, %s)", (session_id, body.all))).fetchone()
    return {"session_id": str(session_id), "rerun": rerun[0]}


@router.patch("/sessions/{session_id}", response_model=Rerun, responses=ANSWERS, openapi_extra=body_doc(Correction),
              summary="Correct fields; only the steps that depend on them re-run")
async def correct(session_id: UUID, request: Request, claims: Annotated[dict, Depends(require_user)]) -> dict:
    s = await _session_for(request, claims, session_id, "marketing_admin")
    body: Correction = await _parse(request, Correction)
    if not body.model_fields_set:
        raise ApiError(422, "nothing_to_correct", "send at least one field to correct")
    gateway = await _gateway(request, s["gateway"], body)
    keyring = Keyring.parse(request.app.state.settings.secret_key)
    fields = body.model_dump(include={"pixel_id", "landing_url", "tracking_domain", "test_event_code"},
                             exclude_unset=True)

    def work(conn: psycopg.Connection) -> list[str]:
        secret_fields = _encrypt_all(conn, keyring, s["company_id"], gateway, body)
        return conn.execute("select setup.correct(%s, %s::jsonb, %s::text[], %s)",
                            (session_id, json.dumps(fields), secret_fields,
                             _token_hash(body, gateway))).fetchone()[0]

    try:
        rerun = await _run_sync(request, work)
    except psycopg.errors.UniqueViolation as exc:
        if _token_taken(exc):
            raise _invalid(*TOKEN_TAKEN) from None
        raise
    return {"session_id": str(session_id), "rerun": rerun}


async def _renders(request: Request, claims: dict, session_id: UUID, kind: str, version: int | None) -> list:
    s = await _session_for(request, claims, session_id, "viewer")
    async with request.app.state.pool.connection() as conn:
        cur = await conn.execute(
            "select version, sha256, author, created_at, inputs, body from setup.renders"
            " where company_id = %s and kind = %s and (%s::int is null or version = %s) order by version desc",
            (s["company_id"], kind, version, version))
        return await cur.fetchall()


@router.get("/sessions/{session_id}/snippet", response_model=Snippet, responses=ANSWERS,
            summary="The landing snippet to paste in <head> (latest version, or ?version=N)")
async def snippet(session_id: UUID, request: Request, claims: Annotated[dict, Depends(require_user)],
                  version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None) -> dict:
    rows = await _renders(request, claims, session_id, "landing_snippet", version)
    if not rows:
        raise ApiError(404 if version else 409, "snippet_not_ready",
                       "no such version" if version else "the snippet is rendered once the pixel is validated")
    v, sha, author, at, _, body = rows[0]
    instructions = await _renders(request, claims, session_id, "webhook_instructions", None)
    return {"version": v, "sha256": sha, "author": author, "created_at": at.isoformat(), "snippet": body,
            "html": f"<script>{body}</script>",  # what the lead pastes into <head>
            "webhook_instructions": instructions[0][5] if instructions else None}


@router.get("/sessions/{session_id}/snippet/versions", response_model=SnippetVersions, responses=ANSWERS,
            summary="Every rendered snippet version")
async def snippet_versions(session_id: UUID, request: Request,
                           claims: Annotated[dict, Depends(require_user)]) -> dict:
    rows = await _renders(request, claims, session_id, "landing_snippet", None)
    return {"versions": [{"version": v, "sha256": sha, "author": author, "created_at": at.isoformat(),
                          "inputs": inputs} for v, sha, author, at, inputs, _ in rows]}


@router.get("/sessions/{session_id}/gtm-web-export", response_model=GtmContainerExport, responses=ANSWERS,
            summary="The web container as an importable file (GTM > Admin > Import Container)")
async def gtm_web_export(session_id: UUID, request: Request, claims: Annotated[dict, Depends(require_user)]) -> dict:
    rows = await _renders(request, claims, session_id, "gtm_web_export", None)
    if not rows:
        raise ApiError(409, "export_not_ready", "the export is made once the GTM web container is built")
    return json.loads(rows[0][5])
