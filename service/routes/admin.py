"""Dashboard actions on delivery. POST /api/meta/retry-failed re-queues a company's dead letters.

The caller is a signed-in user (Supabase JWT, service.auth). The SQL runs as that user - role
authenticated with their claims, inside one transaction - so delivery.retry_failed decides with
app.has_company_access whether they are a marketing or backoffice admin of the company.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated
from uuid import UUID

import psycopg
from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from service.auth import require_user
from service.body import read_json_body
from service.errors import ApiError, documented
from service.schemas import body_doc

router = APIRouter(tags=["delivery"])


class RetryFailed(BaseModel):
    """Filters, all optional and combined: no filter retries every open dead letter of the company."""

    model_config = ConfigDict(extra="forbid")

    company_id: UUID | None = Field(None, description="Needed only when you administer several companies.")
    event_ids: list[str] | None = Field(None, max_length=10_000, description="Meta event_ids to retry.")
    since: datetime | None = Field(None, description="Dead letters that died at or after this time.")
    until: datetime | None = Field(None, description="Dead letters that died before this time.")
    # bounded to SQL's int: a larger number would be sent as bigint and match no delivery.retry_failed
    error_code: int | None = Field(None, ge=-(2**31), le=2**31 - 1,
                                   description="Only those Meta refused with this code (e.g. 100).")


class RetryFailedAnswer(BaseModel):
    company_id: UUID
    replayed: int = Field(description="Events put back on the queue.")
    replay_id: int | None = Field(description="The delivery.replays row (null: nothing matched).")


ANSWERS = documented({
    401: {"description": "Missing, invalid or expired access token"},
    403: {"description": "Not a marketing or backoffice admin of the company"},
    422: {"description": "Invalid filters, or company_id needed"},
})


@router.post("/api/meta/retry-failed", response_model=RetryFailedAnswer, responses=ANSWERS,
             openapi_extra=body_doc(RetryFailed),
             summary="Re-queue dead-lettered events of your company (admins)")
async def retry_failed(request: Request, claims: Annotated[dict, Depends(require_user)]) -> RetryFailedAnswer:
    # read like every other body (1 MB cap, JSON object, no NUL), after the token: FastAPI's own body
    # parameter would buffer any size before the token is even looked at
    try:
        body = RetryFailed.model_validate_json(await read_json_body(request))
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None
    if body.since and body.until and body.since >= body.until:
        raise ApiError(422, "invalid_fields", "since must be before until")
    async with request.app.state.pool.connection() as conn:
        try:
            async with conn.transaction():
                await conn.execute("select set_config('request.jwt.claims', %s, true),"
                                   " set_config('role', 'authenticated', true)", (json.dumps(claims),))
                cur = await conn.execute(
                    "select company_id, replay_id, replayed"
                    " from delivery.retry_failed(%s, %s::text[], %s, %s, %s)",
                    (body.company_id, body.event_ids, body.since, body.until, body.error_code))
                rows = await cur.fetchall()
        except psycopg.errors.InsufficientPrivilege as exc:
            raise ApiError(403, "forbidden", exc.diag.message_primary or "forbidden") from None
        except psycopg.errors.InvalidParameterValue as exc:
            raise ApiError(422, "company_required",
                           exc.diag.message_primary or "company_id is required") from None
    company_id, replay_id, replayed = rows[0]
    return RetryFailedAnswer(company_id=company_id, replay_id=replay_id, replayed=replayed)
