"""The migration runner applies each file once, records it as the Supabase CLI does, and refuses edits."""

from __future__ import annotations

import re
import shutil

import psycopg
import pytest

from core.migrate import MigrationError, discover, migrate, recorded_statements
from core.settings import local_dsn
from tests import dbutil


@pytest.fixture(scope="module")
def fresh_dsn():
    """A brand-new empty database (not the template), prepared as hosted Supabase would be."""
    name = dbutil.create_empty("migrate_once")
    try:
        yield local_dsn(name)
    finally:
        dbutil.drop(name)


@pytest.fixture(scope="module")
def migrations_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("migrations")
    for mig in discover():  # the real supabase/migrations files
        shutil.copy(mig.path, directory / mig.path.name)
    return directory


def test_first_run_applies_and_records_every_file(fresh_dsn, migrations_dir):
    files = sorted(p.name for p in migrations_dir.glob("*.sql"))
    assert migrate(fresh_dsn, migrations_dir) == files

    with psycopg.connect(fresh_dsn) as conn:
        rows = conn.execute(
            "select version, name, statements from supabase_migrations.schema_migrations order by version"
        ).fetchall()
    assert [f"{v}_{n}.sql" for v, n, _ in rows] == files
    for (version, _name, statements), file in zip(rows, files, strict=True):
        assert file.startswith(version)
        # as `supabase db push` records them: split on `;`, trimmed, nothing else lost
        text = (migrations_dir / file).read_text(encoding="utf-8")
        assert statements == recorded_statements(text)
        assert all(s == s.strip() and not s.endswith(";") for s in statements)
        assert re.sub(r"[\s;]", "", "".join(statements)) == re.sub(r"[\s;]", "", text)


def test_second_run_applies_nothing(fresh_dsn, migrations_dir):
    migrate(fresh_dsn, migrations_dir)
    assert migrate(fresh_dsn, migrations_dir) == []


def test_an_edited_applied_file_is_refused_by_name(fresh_dsn, migrations_dir):
    migrate(fresh_dsn, migrations_dir)
    target = sorted(migrations_dir.glob("*.sql"))[1]
    original = target.read_text(encoding="utf-8")
    target.write_text(original + "\n-- a harmless-looking edit\n", encoding="utf-8")
    try:
        with pytest.raises(MigrationError, match=target.name.replace(".", r"\.") + ".*changed after"):
            migrate(fresh_dsn, migrations_dir)
    finally:
        target.write_text(original, encoding="utf-8")
    assert migrate(fresh_dsn, migrations_dir) == []


def _recorded(dsn: str) -> int:
    with psycopg.connect(dsn) as conn:
        return conn.execute("select count(*) from supabase_migrations.schema_migrations").fetchone()[0]


def test_a_badly_named_file_is_a_clear_error(fresh_dsn, migrations_dir):
    before = _recorded(fresh_dsn)
    bad = migrations_dir / "add_stuff.sql"
    bad.write_text("select 1;\n")
    try:
        with pytest.raises(MigrationError, match=r"add_stuff\.sql.*YYYYMMDDHHMMSS_name\.sql"):
            migrate(fresh_dsn, migrations_dir)
    finally:
        bad.unlink()
    assert _recorded(fresh_dsn) == before  # refused before anything was attempted
