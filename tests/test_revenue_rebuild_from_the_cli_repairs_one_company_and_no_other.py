"""`trackai revenue rebuild --company` recomputes one company's attribution from scratch (the repair
after a fix or a new model; nothing schedules it) and leaves every other company alone."""

from __future__ import annotations

from typer.testing import CliRunner

from tests.revenueutil import company_in_utc, visit
from trackai.cli import app

NOW = "2026-11-20 12:00:00+00"


def company_with_a_sale(conn) -> str:
    company = company_in_utc(conn, NOW)
    visit(conn, company, "visitor-cli-001", "2026-11-19 10:00:00+00", "111", "Alpha", "c1")
    conn.execute("select tracking.upsert_sale(%s, 'perfectpay', 'S1', 'approved', 'sale', 50, 'BRL', 'X', 'Curso',"
                 " 'visitor-cli-001', '{}', %s, null)", (company, NOW))
    return company


def rows(conn, company) -> int:
    return conn.execute("select count(*) from revenue.attributions where company_id = %s", (company,)).fetchone()[0]


def test_rebuild_one_company(conn, dsn, monkeypatch):
    a, b = company_with_a_sale(conn), company_with_a_sale(conn)
    assert rows(conn, a) == rows(conn, b) == 3  # one per model, kept as the sale was recorded
    conn.execute("delete from revenue.attributions where company_id in (%s, %s)", (a, b))  # damage

    monkeypatch.setenv("DATABASE_URL", dsn)
    result = CliRunner().invoke(app, ["revenue", "rebuild", "--company", a])
    assert result.exit_code == 0, result.output
    assert f"company {a}: 3 attribution rows" in result.output
    assert (rows(conn, a), rows(conn, b)) == (3, 0)

    result = CliRunner().invoke(app, ["revenue", "rebuild", "--company", "no-such-company"])
    assert result.exit_code != 0 and "no company with id or slug" in result.output
