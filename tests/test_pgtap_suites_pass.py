"""Every pgTAP file under supabase/tests runs through pg_prove on its own fresh database copy."""

from __future__ import annotations

import subprocess

import pytest

from core.settings import LOCAL_PORT, REPO_ROOT
from tests import dbutil

SUITES = sorted((REPO_ROOT / "supabase" / "tests").glob("*.test.sql"))


@pytest.mark.parametrize("suite", SUITES, ids=[s.name for s in SUITES])
def test_pgtap_suite(suite, template_db):
    name = dbutil.clone("pgtap")
    try:
        res = subprocess.run(
            ["pg_prove", "--host", "127.0.0.1", "--port", str(LOCAL_PORT), "--username", "postgres",
             "--dbname", name, "--verbose", str(suite)],
            capture_output=True, text=True, timeout=300,
        )
    finally:
        dbutil.drop(name)
    assert res.returncode == 0, f"pg_prove failed for {suite.name}:\n{res.stdout}\n{res.stderr}"
