"""Supabase Realtime: monitoring.alerts, monitoring.company_counters and delivery.breaker_changes are in
the supabase_realtime publication; their changes come out of a wal2json slot (Realtime's change stream)
and, checked as Realtime checks them (role authenticated with the subscriber's JWT claims, RLS), a member
receives their company's rows and a member of another company none."""

from __future__ import annotations

import json
import uuid

from tests.monitoringutil import base_time, evaluate, freeze, record_events, tenant

TABLES = ["monitoring.alerts", "monitoring.company_counters", "delivery.breaker_changes"]


def visible(conn, user: str, table: str, pk: dict) -> bool:
    where = " and ".join(f"{k} = %s" for k in pk)
    with conn.transaction():
        conn.execute("select tests.authenticate_as(%s)", (user,))
        n = conn.execute(f"select count(*) from {table} where {where}", list(pk.values())).fetchone()[0]  # noqa: S608
        conn.execute("select tests.clear_authentication()")
    return n == 1


def test_members_receive_only_their_companys_changes(conn):
    published = {r[0] for r in conn.execute(
        "select schemaname || '.' || tablename from pg_publication_tables where pubname = 'supabase_realtime'")}
    assert set(TABLES) | {"delivery.breakers"} <= published

    a, dest_a = tenant(conn)
    b, _ = tenant(conn)
    for user, company in (("rt-a", a), ("rt-b", b)):
        conn.execute("select tests.create_user(%s)", (user,))
        conn.execute("select tests.add_member(%s, %s, 'viewer')", (company, user))
    freeze(conn, base_time(conn, 2))

    slot = f"mon_rt_{uuid.uuid4().hex[:10]}"
    conn.execute("select pg_create_logical_replication_slot(%s, 'wal2json')", (slot,))
    try:
        record_events(conn, a, 3)
        record_events(conn, b, 1)
        pks = record_events(conn, a, 1)
        conn.execute("select delivery.bury(%s, '{}', 'invalid_parameter: x')", (pks,))
        conn.execute("select delivery.set_breaker(delivery.destination_breaker(%s), 'open', 'test')", (dest_a,))
        evaluate(conn)  # opens alerts, refreshes counters
        rows = conn.execute(
            "select data from pg_logical_slot_get_changes(%s, null, null, 'format-version', '2',"
            " 'include-pk', 'true', 'add-tables', %s)", (slot, ",".join(TABLES))).fetchall()
    finally:
        conn.execute("select pg_drop_replication_slot(%s)", (slot,))

    changes = [json.loads(r[0]) for r in rows]
    changes = [c for c in changes if c["action"] in ("I", "U")]
    by_table: dict[str, list[dict]] = {}
    for c in changes:
        cols = {col["name"]: col["value"] for col in c["columns"]}
        by_table.setdefault(f"{c['schema']}.{c['table']}", []).append(cols)
    assert set(by_table) == set(TABLES), by_table.keys()
    assert any(r["company_id"] == a and r["code"] == "dead_letters" for r in by_table["monitoring.alerts"])
    assert {r["company_id"] for r in by_table["monitoring.company_counters"]} >= {a, b}

    checked = 0
    for table, rows_ in by_table.items():
        for row in rows_:
            if row.get("company_id") not in (a, b):
                continue
            pk = {"company_id": row["company_id"]} if table == "monitoring.company_counters" else {"id": row["id"]}
            owner, other = ("rt-a", "rt-b") if row["company_id"] == a else ("rt-b", "rt-a")
            assert visible(conn, owner, table, pk), (table, row)
            assert not visible(conn, other, table, pk), (table, row)
            checked += 1
    assert checked >= 4


def test_another_companys_member_reads_no_rows(conn):
    a, _ = tenant(conn)
    conn.execute("select tests.create_user('rt-c')")
    c, _ = tenant(conn)
    conn.execute("select tests.add_member(%s, 'rt-c', 'viewer')", (c,))
    with conn.transaction():
        conn.execute("select tests.authenticate_as('rt-c')")
        for table in TABLES:
            n = conn.execute(f"select count(*) from {table} where company_id = %s", (a,)).fetchone()[0]  # noqa: S608
            assert n == 0, table
        conn.execute("select tests.clear_authentication()")
