"""A migration that fails (syntax or runtime) is named with its line and leaves the database untouched."""

from __future__ import annotations

import psycopg
import pytest

from core.migrate import MigrationError, migrate
from core.settings import local_dsn
from tests import dbutil

GOOD = "create table public.good_one (id int primary key);\ninsert into public.good_one values (1);\n"
SYNTAX = (
    "-- line 1: a comment\n"
    "create table public.never_syntax (id int);\n"
    "\n"
    "selec 1;\n"  # line 4
)
RUNTIME = (
    "create table public.never_runtime (id int);\n"
    "insert into public.never_runtime values (1);\n"
    "do $$\n"
    "begin\n"
    "  perform 1;\n"
    "end\n"
    "$$;\n"
    "select 1 / (select count(*) - 1 from public.never_runtime);\n"  # line 8: division by zero
    "create table public.never_after (id int);\n"
)


@pytest.fixture
def empty_dsn():
    name = dbutil.create_empty("migrate_fail", prepared=False)
    try:
        yield local_dsn(name)
    finally:
        dbutil.drop(name)


def _state(dsn: str) -> tuple[list[str], list[str]]:
    with psycopg.connect(dsn) as conn:
        tables = [r[0] for r in conn.execute(
            "select tablename from pg_tables where schemaname = 'public' order by 1").fetchall()]
        versions = [r[0] for r in conn.execute(
            "select version from supabase_migrations.schema_migrations order by 1").fetchall()]
    return tables, versions


@pytest.mark.parametrize(("body", "line", "problem"), [
    (SYNTAX, 4, "syntax error"),
    (RUNTIME, 8, "division by zero"),
])
def test_failure_names_file_and_line_and_rolls_the_file_back(empty_dsn, tmp_path, body, line, problem):
    (tmp_path / "20260101000000_good.sql").write_text(GOOD)
    (tmp_path / "20260101000100_broken.sql").write_text(body)
    (tmp_path / "20260101000200_later.sql").write_text("create table public.later (id int);\n")

    with pytest.raises(MigrationError) as caught:
        migrate(empty_dsn, tmp_path)
    message = str(caught.value)
    assert f"20260101000100_broken.sql, line {line}:" in message
    assert problem in message

    tables, versions = _state(empty_dsn)
    assert tables == ["good_one"]  # the earlier good file stays; nothing of the broken one or after it
    assert versions == ["20260101000000"]

    # fixed, the run resumes where it stopped
    (tmp_path / "20260101000100_broken.sql").write_text("select 1;\n")
    assert migrate(empty_dsn, tmp_path) == ["20260101000100_broken.sql", "20260101000200_later.sql"]
