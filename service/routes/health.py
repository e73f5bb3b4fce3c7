"""GET /health: every part the service needs, named when it is down.

The status (and 200 / 503) is for anyone, a load balancer included; which part is down, migration names and
queue depths are operator detail: on a hosted database, or with METRICS_TOKEN set, only for its bearer."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from core import migrate
from service.auth import operator_refusal

router = APIRouter()


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    down: list[str] | None = Field(None, description="The parts that are not ok (operator detail: absent for "
                                   "a caller without the METRICS_TOKEN bearer token when hosted or when it is set).")
    parts: dict[str, dict[str, Any]] | None = Field(
        None, description="database, migrations (pending), pg_cron (last_beat_at), pgmq (queues: depth, "
        "oldest_age_s); each with ok (operator detail, as down).")


@router.get("/health", tags=["operations"],
            summary="Up or degraded; for the operator, which of database, migrations, pg_cron and pgmq",
            response_model=Health, responses={503: {"model": Health, "description": "A part is down (named)"}})
async def health(request: Request) -> JSONResponse:
    parts: dict[str, dict] = {}
    try:
        async with request.app.state.pool.connection(timeout=2) as conn:
            await conn.execute("select 1")
            parts["database"] = {"ok": True}

            applied = {r[0] for r in await (await conn.execute(
                "select version from supabase_migrations.schema_migrations")).fetchall()}
            missing = [m.path.name for m in migrate.discover() if m.version not in applied]
            parts["migrations"] = {"ok": not missing, "pending": missing}

            cron = await (await conn.execute(
                "select exists (select 1 from pg_extension where extname = 'pg_cron'),"
                " (select beat_at from app.cron_heartbeat)")).fetchone()
            parts["pg_cron"] = {"ok": bool(cron[0]), "last_beat_at": cron[1].isoformat() if cron[1] else None}

            has_pgmq = (await (await conn.execute(
                "select exists (select 1 from pg_namespace where nspname = 'pgmq')")).fetchone())[0]
            queues = {}
            if has_pgmq:
                rows = await (await conn.execute(
                    "select queue_name, queue_length, oldest_msg_age_sec from pgmq.metrics_all()")).fetchall()
                queues = {name: {"depth": depth, "oldest_age_s": age} for name, depth, age in rows}
            parts["pgmq"] = {"ok": has_pgmq, "queues": queues}
    except Exception as exc:  # any failure here is reported as the part that failed
        parts.setdefault("database", {"ok": False, "error": type(exc).__name__})
        if parts["database"]["ok"]:
            parts["schema"] = {"ok": False, "error": type(exc).__name__}
    down = [name for name, part in parts.items() if not part["ok"]]
    body = {"status": "ok" if not down else "degraded"}
    if operator_refusal(request) is None:
        body |= {"down": down, "parts": parts}
    return JSONResponse(body, status_code=200 if not down else 503)
