"""`trackai status` prints the database's state as JSON; `trackai work` refuses a worker it does not know."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from core.settings import LOCAL_PORT
from jobs.registry import WORKERS
from trackai.cli import app

LOCAL = {"DATABASE_URL": None}  # the local cluster's main database, whatever the caller's environment


def test_status_prints_json_with_no_pending_migrations():
    result = CliRunner().invoke(app, ["status"], env=LOCAL)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["database_url"] == f"local:{LOCAL_PORT}"
    assert out["pending_migrations"] == []
    assert {"dispatch", "mercadopago"} <= set(out["queues"])


def test_work_with_an_unknown_queue_fails_in_one_line_naming_the_known_workers():
    result = CliRunner().invoke(app, ["work", "nosuchqueue"], env=LOCAL)
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "nosuchqueue" in lines[0]
    assert all(name in lines[0] for name in WORKERS)
