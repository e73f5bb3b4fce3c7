"""Revenue API for signed-in admins (Supabase JWT): remarketing jobs and the ad spend CSV upload.

POST /api/v1/remarketing/jobs freezes a segment and queues its upload to a Meta Custom Audience (202,
followed through Realtime on revenue.audience_jobs). POST /api/v1/spend/csv stores spend per campaign and
day. Both run as the user (role authenticated with their claims): SQL decides who may (revenue.admin_company).
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Annotated, Any, Literal
from uuid import UUID

import psycopg
from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from service.auth import require_user
from service.body import MAX_BODY_BYTES, declared_length, read_json_body
from service.errors import ApiError, documented
from service.schemas import body_doc

router = APIRouter(tags=["revenue"])

CSV_REQUIRED = ("date", "campaign_id", "spend")
CSV_OPTIONAL = ("campaign_name", "adset_id", "ad_id", "currency")


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
    **ANSWERS, **documented({400: {"description": "Not UTF-8 CSV, or no header"}, 413: {"description": "Over 1 MB"},
                             415: {"description": "Not text/csv"}})},
    openapi_extra={"requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}},
    summary="Upload ad spend per campaign and day as CSV (admins)")
async def upload_spend(request: Request, claims: Annotated[dict, Depends(require_user)],
                       company_id: Annotated[UUID | None, Query()] = None) -> SpendUploaded:
    """Columns: date (YYYY-MM-DD), campaign_id, spend (e.g. 123.45); optional campaign_name, adset_id,
    ad_id, currency (BRL by default). A row with the same date and ids replaces the stored one."""
    rows = parse_spend_csv(await _read_csv(request))
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
    try:
        text = b"".join(chunks).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_csv", "the file is not UTF-8 text") from None
    if "\x00" in text:
        raise ApiError(400, "invalid_csv", "the file contains a NUL character")
    return text


def parse_spend_csv(text: str) -> list[dict[str, Any]]:
    """CSV -> rows for revenue.record_spend; values are checked there (errors name the CSV line)."""
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise ApiError(400, "invalid_csv", f"the file is not valid CSV: {exc}") from None
    if not header:
        raise ApiError(400, "invalid_csv", "the file is empty: the first line must name the columns")
    missing = [c for c in CSV_REQUIRED if c not in header]
    if missing:
        raise ApiError(422, "invalid_csv", f"missing column(s): {', '.join(missing)} (the first line names the"
                       f" columns: {', '.join(CSV_REQUIRED + CSV_OPTIONAL)})")
    reader.fieldnames = header
    rows = []
    try:
        for line in reader:
            if None in line:
                raise ApiError(422, "invalid_csv", f"line {reader.line_num} has more cells than the header")
            cells = {k: (v.strip() if isinstance(v, str) else v) for k, v in line.items() if k in header}
            rows.append({"day": cells.get("date"), "campaign_id": cells.get("campaign_id"),
                         "spend": (cells.get("spend") or "").replace(",", "."),
                         **{k: cells[k] for k in CSV_OPTIONAL if cells.get(k)}})
    except csv.Error as exc:
        raise ApiError(400, "invalid_csv", f"line {reader.line_num} is not valid CSV: {exc}") from None
    if not rows:
        raise ApiError(422, "invalid_csv", "the file has a header but no rows")
    return rows
