"""Every monitoring view is also kept as sql/<view>.sql (for Looker Studio custom queries and review):
running the file recreates exactly the view the migrations made. The runbook's queries run."""

from __future__ import annotations

import pytest

from trackai.settings import REPO_ROOT

SQL = REPO_ROOT / "sql"


def views(conn) -> list[str]:
    return [r[0] for r in conn.execute("""select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                                          where n.nspname = 'monitoring' and c.relkind = 'v' order by 1""")]


def test_every_view_has_its_file_and_every_file_its_view(conn):
    names = views(conn)
    assert len(names) >= 12
    files = {p.stem for p in SQL.glob("*.sql") if not p.stem.startswith("runbook_")}
    assert files == set(names)


def test_each_file_recreates_its_view_unchanged(conn):
    for name in views(conn):
        before = conn.execute("select pg_get_viewdef(%s::regclass), reloptions from pg_class where oid = %s::regclass",
                              (f"monitoring.{name}", f"monitoring.{name}")).fetchone()
        with conn.transaction():
            conn.execute((SQL / f"{name}.sql").read_text())
            after = conn.execute("select pg_get_viewdef(%s::regclass), reloptions from pg_class"
                                 " where oid = %s::regclass", (f"monitoring.{name}", f"monitoring.{name}")).fetchone()
            conn.execute("rollback")  # leave the database as the migrations made it
        assert after == before, f"sql/{name}.sql differs from the migration's view"


@pytest.mark.parametrize("path", sorted(SQL.glob("runbook_*.sql")), ids=lambda p: p.name)
def test_runbook_queries_run(conn, path):
    conn.execute(path.read_text()).fetchall()
