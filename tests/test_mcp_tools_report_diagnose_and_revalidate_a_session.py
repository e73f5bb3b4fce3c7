"""`trackai mcp`: the troubleshooting agent's tools have JSON schemas and answer from the same SQL as
the API — status, diagnosis in plain words, re-validation, rendering — with no secret in any answer."""

from __future__ import annotations

import dataclasses
import json

import psycopg
from mcp.shared.memory import create_connected_server_and_client_session

from core.settings import load
from trackai import mcp_server

TOOLS = {"session_status", "diagnose", "revalidate", "render_snippet", "send_test_event"}


def new_session(dsn: str) -> str:
    with psycopg.connect(dsn, autocommit=True) as conn:
        uid = conn.execute("select tests.create_user('mcp-lead')").fetchone()[0]
        sid = conn.execute(
            "select id from setup.create_session(null, 'Loja MCP', %s, %s::jsonb, %s)",
            (uid, json.dumps({"pixel_id": "123456789012345", "gateway": "perfectpay",
                              "landing_url": "https://mcp.example.com/", "tracking_domain": "track.mcp.example.com"}),
             "a" * 64)).fetchone()[0]
        conn.execute("select setup.advance(%s)", (sid,))
        step, attempt = conn.execute("select step_id, attempt from setup.start_step((select id from setup.steps"
                                     " where session_id = %s and name = 'validate_meta'))", (sid,)).fetchone()
        conn.execute("select setup.report_step(%s, %s, '{}', 'meta.token_invalid', 'Error validating access token')",
                     (step, attempt))
    return str(sid)


async def call(session, tool: str, **args) -> dict:
    result = await session.call_tool(tool, args)
    assert not result.isError, result.content
    return json.loads(result.content[0].text)


async def test_the_agent_sees_schemas_then_status_diagnosis_and_revalidation(dsn):
    sid = new_session(dsn)
    server = mcp_server.build(dataclasses.replace(load(), database_url=dsn))
    async with create_connected_server_and_client_session(server._mcp_server) as session:
        tools = {t.name: t for t in (await session.list_tools()).tools}
        assert set(tools) == TOOLS
        assert tools["diagnose"].inputSchema["required"] == ["session_id"]
        assert tools["revalidate"].inputSchema["properties"]["all_steps"]["type"] == "boolean"

        status = await call(session, "session_status", session_id=sid)
        assert status["status"] == "needs_attention" and len(status["steps"]) == 11

        diagnosis = await call(session, "diagnose", session_id=sid)
        assert not diagnosis["healthy"]
        [problem] = diagnosis["problems"]
        assert problem["step"] == "validate_meta" and problem["code"] == "meta.token_invalid"
        assert problem["field"] == "meta_access_token" and "token" in problem["message_en"]

        rerun = await call(session, "revalidate", session_id=sid)
        assert sorted(rerun["rerun"]) == ["provision_gtm_web", "render_snippet", "test_event", "validate_meta"]
        assert (await call(session, "diagnose", session_id=sid))["healthy"]

        bad = await session.call_tool("session_status", {"session_id": "not-a-uuid"})
        assert bad.isError
