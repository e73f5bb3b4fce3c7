"""The declarative schema files (supabase/schemas/) and the migrations describe the same database: applying
every file on top of the migrations changes no function, view, policy, trigger or privilege; and every such
object has exactly one file."""

from __future__ import annotations

from trackai import schema_files as sf


def test_migrations_alone_equal_migrations_with_every_schema_file_applied(conn):
    before = sf.fingerprint(conn)
    assert sum(kind == "function" for kind, _ in before) >= 150  # the fingerprint sees the project
    sf.apply(conn, sf.files())
    assert sf.differences(before, sf.fingerprint(conn)) == []


def test_each_function_view_policy_and_trigger_is_declared_in_exactly_one_file(conn):
    claimed = sf.declared(sf.files())
    objects = {(kind, sf.fingerprint_name(kind, name)) for kind, name in sf.fingerprint(conn)
               if kind in ("function", "view", "policy", "trigger")}
    assert sorted(o for o in objects if o not in claimed) == [], "objects without a schema file"
    assert sorted(f"{k}: {[p.name for p in v]}" for k, v in claimed.items() if len(v) > 1) == [], \
        "declared in two places"
    assert sorted(k for k in claimed if k not in objects) == [], "declared but not in the migrations"


def test_a_change_to_a_schema_file_is_seen_as_a_difference(conn, tmp_path):
    edited = tmp_path / "now.sql"
    edited.write_text((sf.SCHEMAS_DIR / "app" / "now.sql").read_text().replace(
        "pg_catalog.now())", "pg_catalog.now() + interval '1 second')"))
    before = sf.fingerprint(conn)
    with conn.transaction():
        sf.apply(conn, [edited])
        assert sf.differences(before, sf.fingerprint(conn)) == ["function app.now(): differs"]
        conn.execute("rollback")
