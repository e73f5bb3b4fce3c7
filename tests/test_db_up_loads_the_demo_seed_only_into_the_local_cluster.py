"""`trackai db up` loads supabase/seed.sql (a demo company) into the local cluster only: pointed at a project by
DATABASE_URL it applies the migrations and writes no demo data, unless asked with --seed."""

from __future__ import annotations

import psycopg
import pytest
from typer.testing import CliRunner

from core.settings import local_dsn
from tests import dbutil
from trackai.cli import app


@pytest.fixture
def hosted_like():
    name = dbutil.create_empty("db_up_hosted")
    try:
        yield local_dsn(name)
    finally:
        dbutil.drop(name)


def companies(dsn: str) -> int:
    with psycopg.connect(dsn) as conn:
        return conn.execute("select count(*) from app.companies").fetchone()[0]


def test_with_database_url_db_up_migrates_and_writes_no_demo_data(hosted_like):
    result = CliRunner().invoke(app, ["db", "up"], env={"DATABASE_URL": hosted_like})
    assert result.exit_code == 0, result.output
    assert "applied" in result.output and companies(hosted_like) == 0

    result = CliRunner().invoke(app, ["db", "up", "--seed"], env={"DATABASE_URL": hosted_like})
    assert result.exit_code == 0, result.output
    assert companies(hosted_like) > 0, "asked for explicitly, the seed is loaded"
