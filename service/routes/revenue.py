"""Revenue API for signed-in admins (Supabase JWT): remarketing jobs and the ad spend CSV upload.

POST /api/v1/remarketing/jobs freezes a segment and queues its upload to a Meta Custom Audience (202,
followed through Realtime on revenue.audience_jobs). POST /api/v1/spend/csv stores spend per campaign and
day. Both run as the user (role authenticated with their claims): SQL decides who may (revenue.admin_company).
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Literal
from uuid import UUID

import psycopg
from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from service import spend_csv
from service.auth import require_user
from service.body import MAX_BODY_BYTES, declared_length, read_json_body
from service.errors import ApiError, documented
from service.schemas import body_doc

router = APIRouter(tags=["revenue"])


class LeadsWithoutPurchase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["leads_without_purchase"]
    days: int = Field(ge=1, le=180, description="Leads of the last N days who have not bought.")


class BuyersOfProduct(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["buyers_of_product"]
    product: str = Field(min_length=1, max_length=200, description="The product's code or name.")


class NewRemarketingJob(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    company_id: UUID | None = Field(None, description="Needed only when you administer several companies.")
    name: str | None = Field(None, min_length=1, max_length=200, description="The Custom Audience's name.")
    criteria: LeadsWithoutPurchase | BuyersOfProduct = Field(discriminator="kind")


class RemarketingJobQueued(BaseModel):
    job_id: int
    company_id: UUID
    total: int = Field(description="People in the segment (uploaded in batches of at most 10,000).")
    status: str


class SpendUploaded(BaseModel):
    company_id: UUID
    rows: int


ANSWERS = documented({
    401: {"description": "Missing, invalid or expired access token"},
    403: {"description": "Not a marketing or backoffice admin of the company"},
    422: {"description": "Invalid body, empty segment, no ad account, or a bad CSV row"},
})


async def _as_user(request: Request, claims: dict, query: str, params: tuple) -> tuple:
    """One statement as the signed-in user; SQL's refusals become 403 / 422."""
    async with request.app.state.pool.connection() as conn:
        try:
            async with conn.transaction():
                await conn.execute("select set_config('request.jwt.claims', %s, true),"
                                   " set_config('role', 'authenticated', true)", (json.dumps(claims),))
                cur = await conn.execute(query, params)
                return await cur.fetchone()
        except psycopg.errors.InsufficientPrivilege as exc:
            raise ApiError(403, "forbidden", exc.diag.message_primary or "forbidden") from None
        except psycopg.errors.InvalidParameterValue as exc:
            raise ApiError(422, "invalid_fields", exc.diag.message_primary or "invalid request") from None


@router.post("/api/v1/remarketing/jobs", status_code=202, response_model=RemarketingJobQueued, responses=ANSWERS,
             openapi_extra=body_doc(NewRemarketingJob),
             summary="Upload a segment to a Meta Custom Audience (admins)")
async def create_remarketing_job(request: Request,
                                 claims: Annotated[dict, Depends(require_user)]) -> RemarketingJobQueued:
    try:
        body = NewRemarketingJob.model_validate_json(await read_json_body(request))
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None
    row = await _as_user(request, claims,
                         "select job_id, company_id, total, status from revenue.create_audience_job(%s, %s, %s)",
                         (body.company_id, json.dumps(body.criteria.model_dump()), body.name))
    return RemarketingJobQueued(job_id=row[0], company_id=row[1], total=row[2], status=row[3])


@router.post("/api/v1/spend/csv", response_model=SpendUploaded, responses={
    **ANSWERS, **documented({400: {"description": "Neither UTF-8 nor Windows-1252 text, or no header"},
                             413: {"description": "Over 1 MB"}, 415: {"description": "Not text/csv"}})},
    openapi_extra={"requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}},
    summary="Upload ad spend per campaign and day as CSV (admins)")
async def upload_spend(request: Request, claims: Annotated[dict, Depends(require_user)],
                       company_id: Annotated[UUID | None, Query()] = None) -> SpendUploaded:
    """Columns: date (2026-11-30 or 30/11/2026), campaign_id, spend (1.234,56 or 1234.56); optional
    campaign_name, adset_id, ad_id, currency (BRL by default) - or Meta Ads Manager's export of a campaign
    report broken down by day. Cells separated by `,` or `;`; UTF-8 or Windows-1252. A row with the same
    date and ids replaces the stored one."""
    rows = spend_csv.parse(await _read_csv(request))
    try:
        row = await _as_user(request, claims, "select company_id, written from revenue.upload_spend(%s, %s::jsonb)",
                             (company_id, json.dumps(rows)))
    except ApiError as exc:
        # SQL counts data rows from 1; the file's line has the header before it
        exc.message = re.sub(r"^row (\d+):", lambda m: f"line {int(m[1]) + 1}:", exc.message)
        raise
    return SpendUploaded(company_id=row[0], rows=row[1])


async def _read_csv(request: Request) -> str:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "text/csv":
        raise ApiError(415, "unsupported_media_type", "send the spend file as text/csv")
    if declared_length(request) > MAX_BODY_BYTES:
        raise ApiError(413, "body_too_large", "the file is over 1 MB: split it by month")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise ApiError(413, "body_too_large", "the file is over 1 MB: split it by month")
        chunks.append(chunk)
    return spend_csv.decode(b"".join(chunks))
