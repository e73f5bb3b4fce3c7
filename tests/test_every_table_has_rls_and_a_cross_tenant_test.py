"""Every table of the project schemas has RLS on, and every tenant table (one with company_id) is read
as a member of another company in some pgTAP suite - a cross-tenant denial test exists for it. (The
pgTAP suite rls_is_on_for_every_project_table checks the policies' shape; this one checks coverage.)"""

from __future__ import annotations

import re

from core.settings import REPO_ROOT

SCHEMAS = ("app", "tracking", "delivery", "setup", "monitoring", "whatsapp", "revenue")
SUITES = sorted((REPO_ROOT / "supabase" / "tests").glob("*.test.sql"))


def _reads_as_a_member(suite_text: str, table: str) -> bool:
    return "tests.authenticate_as(" in suite_text and re.search(rf"\b{re.escape(table)}\b", suite_text) is not None


def test_every_project_table_has_rls_and_every_tenant_table_a_cross_tenant_test(conn):
    tables = conn.execute(
        """
        select n.nspname || '.' || c.relname, c.relrowsecurity,
               exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'company_id'
                       and not a.attisdropped)
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and n.nspname = any(%s)
        order by 1
        """, (list(SCHEMAS),)).fetchall()
    assert len(tables) > 40, "the project's tables were not found"
    assert [t for t, rls, _ in tables if not rls] == []
    suites = [s.read_text() for s in SUITES]
    uncovered = [t for t, _, tenant in tables if tenant and not any(_reads_as_a_member(s, t) for s in suites)]
    assert uncovered == [], f"tenant tables no pgTAP suite reads as another company's member: {uncovered}"
