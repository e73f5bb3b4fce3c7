"""Changes to a table in supabase_realtime reach a wal2json slot as Supabase Realtime reads them."""

from __future__ import annotations

import json
import uuid

import psycopg

from core.settings import LOCAL_DB, local_dsn


def _columns(change: dict) -> dict:
    return {c["name"]: c["value"] for c in change["columns"]}


def test_insert_and_update_of_a_company_stream_through_wal2json():
    # logical slots are per database and pg_cron's database is the one the stack runs on
    slot = f"pytest_realtime_{uuid.uuid4().hex[:10]}"
    slug = f"rt-{uuid.uuid4().hex[:10]}"
    with psycopg.connect(local_dsn(LOCAL_DB), autocommit=True) as conn:
        assert conn.execute(
            "select 1 from pg_publication_tables"
            " where pubname = 'supabase_realtime' and schemaname = 'app' and tablename = 'companies'"
        ).fetchone(), "app.companies should be published to supabase_realtime"

        conn.execute("set statement_timeout = '30s'")  # creating a slot waits for open transactions
        conn.execute("select pg_create_logical_replication_slot(%s, 'wal2json')", (slot,))
        company_id = None
        try:
            company_id = conn.execute(
                "insert into app.companies (name, slug) values ('Realtime Test', %s) returning id::text",
                (slug,),
            ).fetchone()[0]
            conn.execute("update app.companies set name = 'Realtime Renamed' where id = %s", (company_id,))

            rows = conn.execute(
                "select data from pg_logical_slot_get_changes(%s, null, null, 'format-version', '2',"
                " 'include-pk', 'true', 'add-tables', 'app.companies')", (slot,)
            ).fetchall()
        finally:
            conn.execute(
                "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = %s",
                (slot,))
            if company_id:
                conn.execute("delete from app.companies where id = %s", (company_id,))

    changes = [json.loads(r[0]) for r in rows]
    # other sessions may touch app.companies meanwhile: keep this row's changes
    mine = [c for c in changes if c["action"] in ("I", "U") and _columns(c).get("id") == company_id]
    assert [c["action"] for c in mine] == ["I", "U"]
    inserted, updated = mine
    for change in mine:
        assert (change["schema"], change["table"]) == ("app", "companies")
        assert change["pk"] == [{"name": "id", "type": "uuid"}]
    assert set(_columns(inserted)) == {"id", "name", "slug", "test_event_code", "created_at", "updated_at"}
    assert _columns(inserted)["name"] == "Realtime Test" and _columns(inserted)["slug"] == slug
    assert _columns(updated)["name"] == "Realtime Renamed"
    assert {i["name"]: i["value"] for i in updated["identity"]} == {"id": company_id}
    # each change travels inside its own transaction
    actions = [c["action"] for c in changes]
    assert "B" in actions and "C" in actions
