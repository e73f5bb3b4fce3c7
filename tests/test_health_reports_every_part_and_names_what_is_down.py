"""GET /health reports database, migrations, pg_cron and pgmq (with queue depths) and names what is down."""

from __future__ import annotations

import dataclasses

from fastapi.testclient import TestClient

from core.migrate import discover
from core.settings import LOCAL_DB, load, local_dsn
from service.app import create_app

PARTS = {"database", "migrations", "pg_cron", "pgmq"}


def _health(database_url: str) -> tuple[int, dict]:
    settings = dataclasses.replace(load(), database_url=database_url)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:  # lifespan opens the pool
        response = client.get("/health")
    assert response.headers["content-type"].startswith("application/json")
    return response.status_code, response.json()


def test_the_main_database_is_healthy_in_every_part():
    status, body = _health(local_dsn(LOCAL_DB))
    assert status == 200, body
    assert body["status"] == "ok" and body["down"] == []
    assert set(body["parts"]) == PARTS and all(p["ok"] for p in body["parts"].values())
    assert body["parts"]["migrations"]["pending"] == []
    # a cluster made seconds ago may not have had its first one-minute tick yet (the pg_cron test waits for it)
    assert "last_beat_at" in body["parts"]["pg_cron"]
    queues = body["parts"]["pgmq"]["queues"]
    assert {"dispatch", "mercadopago"} <= set(queues)
    assert all(isinstance(q["depth"], int) and q["depth"] >= 0 for q in queues.values())


def test_a_database_without_pg_cron_is_reported_as_such(dsn):
    # per-test copies are not pg_cron's database (cron.database_name): health must not pretend
    status, body = _health(dsn)
    assert status == 503
    assert body["down"] == ["pg_cron"]
    assert all(body["parts"][p]["ok"] for p in ("database", "migrations", "pgmq"))


def test_a_pending_migration_is_named(dsn, conn):
    last = discover()[-1]
    row = conn.execute(
        "delete from supabase_migrations.schema_migrations where version = %s"
        " returning version, statements, name", (last.version,)).fetchone()
    try:
        status, body = _health(dsn)
    finally:
        conn.execute("insert into supabase_migrations.schema_migrations (version, statements, name)"
                     " values (%s, %s, %s)", row)
    assert status == 503
    assert "migrations" in body["down"]
    assert body["parts"]["migrations"] == {"ok": False, "pending": [last.path.name]}


def test_an_unreachable_database_is_named():
    status, body = _health("postgresql://postgres@127.0.0.1:1/postgres")  # nothing listens on port 1
    assert status == 503
    assert body["down"] == ["database"]
    assert body["parts"]["database"]["ok"] is False
