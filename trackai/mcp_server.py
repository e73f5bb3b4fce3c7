"""`trackai mcp`: the troubleshooting agent's tools, served over MCP (stdio).

The tools are the same capabilities the setup API offers — session status, diagnosis, re-validation,
rendering the snippet, sending the test event — with JSON schemas an LLM agent can call. Every answer
comes from the SQL functions the API uses; no secret is ever part of an answer.
"""

from __future__ import annotations

from typing import Annotated

import psycopg
from mcp.server.fastmcp import FastMCP
from pydantic import Field

from core.settings import Settings, load
from core.urls import webhook_url
from jobs.setup_steps import store_renders

SessionId = Annotated[str, Field(description="The setup session id (uuid).",
                                 pattern=r"^[0-9a-fA-F-]{36}$")]


def build(settings: Settings | None = None) -> FastMCP:
    settings = settings or load()
    server = FastMCP("trackai-setup", instructions=(
        "Tools to follow and repair a Track AI onboarding session. Start with session_status or diagnose; "
        "each diagnosis names the field the customer must correct and whether the step retries by itself."))

    def report(conn: psycopg.Connection, session_id: str) -> dict:
        row = conn.execute("select setup.status_report(%s)", (session_id,)).fetchone()
        if row is None or row[0] is None:
            raise ValueError(f"no setup session {session_id}")
        out = row[0]
        out["webhook_url"] = webhook_url(settings, {"gateway": out["gateway"], "webhook_key": out.pop("webhook_key")})
        return out

    @server.tool()
    def session_status(session_id: SessionId) -> dict:
        """The session's status and every step with its state, attempts, timestamps, error and diagnosis."""
        with psycopg.connect(settings.dsn) as conn:
            return report(conn, session_id)

    @server.tool()
    def diagnose(session_id: SessionId) -> dict:
        """What is wrong, in plain words: each failed or retrying step with its diagnosis and next action."""
        with psycopg.connect(settings.dsn) as conn:
            r = report(conn, session_id)
        problems = [{"step": s["name"], "status": s["status"], "attempts": s["attempts"],
                     "last_error": s["last_error"], **(s["diagnosis"] or {})}
                    for s in r["steps"] if s["status"] in ("failed", "retrying")]
        return {"session_id": session_id, "status": r["status"], "problems": problems,
                "healthy": not problems}

    @server.tool()
    def revalidate(session_id: SessionId,
                   all_steps: Annotated[bool, Field(description="Re-run every step, not only the failed ones.")]
                   = False) -> dict:
        """Re-run the failed steps of a session (or all of them), as the customer's 'validate' button does."""
        with psycopg.connect(settings.dsn, autocommit=True) as conn:
            rerun = conn.execute("select setup.revalidate(%s, %s)", (session_id, all_steps)).fetchone()[0]
        return {"session_id": session_id, "rerun": rerun}

    @server.tool()
    def render_snippet(session_id: SessionId) -> dict:
        """Render the landing snippet and webhook instructions; the same inputs give the same version."""
        with psycopg.connect(settings.dsn, autocommit=True) as conn:
            session = report(conn, session_id)
            session["id"], session["webhook_key"] = session_id, session["webhook_url"].rsplit("/", 1)[1]
            versions = store_renders(conn, settings, session, "mcp-agent")
            body = conn.execute("select body from setup.renders where company_id = %s and kind = 'landing_snippet'"
                                " and version = %s", (session["company_id"],
                                                      versions["landing_snippet"]["version"])).fetchone()[0]
        return {"versions": versions, "snippet": body}

    @server.tool()
    def send_test_event(session_id: SessionId) -> dict:
        """Send the test postback again through the customer's webhook URL (the test_event step re-runs)."""
        with psycopg.connect(settings.dsn, autocommit=True) as conn:
            rerun = conn.execute("select setup.reopen(%s, '{test_event}')", (session_id,)).fetchone()[0]
        return {"session_id": session_id, "rerun": rerun,
                "note": "the setup worker sends it once its dependencies have succeeded; follow session_status"}

    return server


def serve() -> None:
    build().run("stdio")
