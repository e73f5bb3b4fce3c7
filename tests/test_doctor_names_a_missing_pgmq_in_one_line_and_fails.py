"""`trackai doctor` against a database without pgmq says so in one line, with what to do, and exits non-zero."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from core.settings import local_dsn
from tests import dbutil
from trackai.cli import app


@pytest.fixture
def empty_db():
    name = dbutil.create_empty("doctor_empty", prepared=False)
    yield name
    dbutil.drop(name)


def test_doctor_against_a_database_without_pgmq_says_so_in_one_line_and_exits_non_zero(empty_db):
    result = CliRunner().invoke(app, ["doctor", "--db-url", local_dsn(empty_db)], env={"DATABASE_URL": None})
    assert result.exit_code != 0, result.output
    lines = result.stdout.strip().splitlines()
    about_pgmq = [line for line in lines if "pgmq" in line]
    assert len(about_pgmq) == 1, result.stdout
    status, check, detail = about_pgmq[0].split(None, 2)
    assert (status, check) == ("FAIL", "pgmq"), about_pgmq[0]
    assert detail.startswith("pgmq is missing"), detail
    assert "create extension pgmq" in detail and "Database → Extensions" in detail, detail
    # the connection itself was fine: the failure is about pgmq, not about reaching the database
    assert lines[0].split(None, 2)[:2] == ["ok", "connection"], result.stdout
