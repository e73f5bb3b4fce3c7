"""One error shape everywhere: {"error": {"code", "message", "request_id"}}."""

from __future__ import annotations

import logging

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from psycopg_pool import PoolTimeout
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.request_context import request_id_var

log = logging.getLogger("trackai.api")


class ApiError(Exception):
    """Raise anywhere in a route: becomes the error shape with this status and code."""

    def __init__(self, status: int, code: str, message: str, extra: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra or {}


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")  # e.g. fields: [{field, problem}] for invalid_fields

    code: str = Field(description="Machine-readable, e.g. invalid_fields, unknown_endpoint, forbidden.")
    message: str = Field(description="What went wrong, for a person.")
    request_id: str | None = Field(description="Also in the X-Request-Id header and the logs.")


class ErrorBody(BaseModel):
    error: ErrorDetail


def documented(answers: dict[int, dict], media_type: str = "application/json") -> dict[int, dict]:
    """A route's declared answers, each 4xx/5xx with the error shape (for the OpenAPI document). A route
    whose success is not JSON (media_type) still answers its errors in JSON: they name the schema there."""
    def error(answer: dict) -> dict:
        if media_type == "application/json":
            return {"model": ErrorBody, **answer}
        return {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}, **answer}
    return {status: error(answer) if status >= 400 else answer for status, answer in answers.items()}


def error_body(code: str, message: str, extra: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "request_id": request_id_var.get(), **(extra or {})}}


def error_response(status: int, code: str, message: str, extra: dict | None = None,
                   headers: dict | None = None) -> JSONResponse:
    log.info("request rejected", extra={"status": status, "code": code})
    return JSONResponse(error_body(code, message, extra), status_code=status, headers=headers)


_HTTP_CODES = {
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "unsupported_media_type",
}


# Input the routes let through but SQL cannot take (a cast that fails, a value out of range, JSON nested
# past the server's stack, a value outside a CHECK): the caller's fault, a 4xx, never a 500.
# ProgramLimitExceeded (class 54) is an OperationalError in psycopg: without its own entry it would read
# as "database unavailable" (503).
SQL_REFUSALS = (psycopg.errors.DataError, psycopg.errors.ProgramLimitExceeded, psycopg.errors.CheckViolation)


def sql_refusal(exc: psycopg.Error) -> ApiError:
    log.warning("input refused by the database: %s", type(exc).__name__)
    reason = exc.diag.message_primary or type(exc).__name__
    if isinstance(exc, psycopg.errors.CheckViolation):
        return ApiError(422, "invalid_fields", f"a field has a value that is not allowed ({exc.diag.constraint_name})")
    return ApiError(400, "invalid_input", f"a value in the request cannot be stored: {reason}")


def response_for(exc: Exception) -> JSONResponse | None:
    """The error-shaped answer to an exception a route let out (None: not one of ours, a 500)."""
    if isinstance(exc, ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.extra)
    if isinstance(exc, SQL_REFUSALS):
        refusal = sql_refusal(exc)
        return error_response(refusal.status, refusal.code, refusal.message)
    if isinstance(exc, psycopg.OperationalError | PoolTimeout):
        log.warning("database unavailable: %s", type(exc).__name__)
        return error_response(503, "database_unavailable",
                              "the database is unreachable; nothing was stored, retry shortly",
                              headers={"Retry-After": "5"})
    return None


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    @app.exception_handler(psycopg.errors.DataError)
    @app.exception_handler(psycopg.errors.ProgramLimitExceeded)
    @app.exception_handler(psycopg.errors.CheckViolation)
    @app.exception_handler(psycopg.OperationalError)
    @app.exception_handler(PoolTimeout)
    async def _ours(_: Request, exc: Exception):
        return response_for(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException):
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        return error_response(exc.status_code, code, message)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError):
        problems = [
            {"field": ".".join(str(p) for p in e.get("loc", ()) if p != "body"), "problem": e.get("msg")}
            for e in exc.errors()
        ]
        fields = ", ".join(p["field"] or "body" for p in problems[:5])
        return error_response(422, "invalid_fields", f"invalid or missing fields: {fields}",
                              {"fields": problems})
