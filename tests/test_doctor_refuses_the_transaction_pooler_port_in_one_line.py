"""`trackai doctor` refuses a URL on port 6543 (Supabase's transaction pooler) before connecting, in one line."""

from __future__ import annotations

from typer.testing import CliRunner

from trackai.cli import app

# nothing listens on 6543 here: the URL alone must decide
URLS = [
    "postgresql://postgres.abcdefghijklmnop:secret@aws-0-sa-east-1.pooler.supabase.com:6543/postgres",
    "postgresql://postgres:secret@127.0.0.1:6543/postgres",
]


def test_doctor_against_port_6543_says_the_transaction_pooler_cannot_be_used_and_exits_non_zero():
    for url in URLS:
        result = CliRunner().invoke(app, ["doctor", "--db-url", url], env={"DATABASE_URL": None})
        assert result.exit_code != 0, result.output
        failures = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
        assert len(failures) == 1, result.stdout
        line = failures[0]
        assert "transaction pooler" in line and "cannot be used" in line, line
        assert "session pooler" in line and "pooler.supabase.com:5432" in line, line
        assert "secret" not in result.stdout  # the password is never printed


def test_the_pooler_user_carries_the_project_ref_into_the_suggested_address():
    result = CliRunner().invoke(app, ["doctor", "--db-url", URLS[0]], env={"DATABASE_URL": None})
    assert "postgresql://postgres.abcdefghijklmnop:<password>@aws-0-<region>.pooler.supabase.com:5432/postgres" \
        in result.stdout, result.stdout
