"""The runbook's queries (sql/runbook_*.sql) run on a migrated database. (The Looker Studio views they sit
beside are schema files, supabase/schemas/monitoring/<view>.sql, checked with every other schema file.)"""

from __future__ import annotations

import pytest

from core.settings import REPO_ROOT

QUERIES = sorted((REPO_ROOT / "sql").glob("runbook_*.sql"))


def test_there_are_runbook_queries():
    assert len(QUERIES) >= 3


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.name)
def test_runbook_queries_run(conn, path):
    conn.execute(path.read_text()).fetchall()
