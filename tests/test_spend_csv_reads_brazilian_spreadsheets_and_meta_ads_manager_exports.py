"""POST /api/v1/spend/csv takes what a Brazilian spreadsheet writes: `;` between cells (sniffed, `,` too),
amounts as 1.234,56 or 1,234.56 (quoted or not), dd/mm/yyyy or ISO dates, UTF-8 with or without BOM, or
Windows-1252; and Meta Ads Manager's own CSV export of a campaign report broken down by day, with its
English or Portuguese headers (docs/REVENUE.md). A refusal names the line, the column and what was
expected; a header that does not parse says which delimiter it was read with."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.apiutil import api_client
from tests.dispatchutil import new_pixel, new_tenant, new_token, new_user
from tests.test_dead_letters_are_retried_by_a_company_admin_through_the_api import SECRET, bearer

EXCEL_PT_BR = ("data;campaign_id;campaign_name;spend\r\n"
               "30/11/2026;120001;Promoção de Natal;1.234,56\r\n"
               "01/12/2026;120001;Promoção de Natal;4,00\r\n")
STORED_PT_BR = [("2026-11-30", "120001", "Promoção de Natal", Decimal("1234.56"), "BRL"),
                ("2026-12-01", "120001", "Promoção de Natal", Decimal("4.00"), "BRL")]
META_EN = ('"Reporting starts","Reporting ends","Campaign name","Campaign ID","Day","Amount spent (USD)",'
           '"Impressions"\n'
           '"2026-11-01","2026-11-30","Black Friday","23850000000000001","2026-11-28","1,234.56","10234"\n'
           '"2026-11-01","2026-11-30","Black Friday","23850000000000001","2026-11-29","87.5","2211"\n')
META_PT = ("Início dos relatórios;Término dos relatórios;Nome da campanha;Identificação da campanha;"
           "Valor usado (BRL);Impressões\n"
           "28/11/2026;28/11/2026;Black Friday;23850000000000001;2.345,67;10234\n")

CASES = {
    "Excel pt-BR: semicolons, dd/mm/yyyy, 1.234,56, UTF-8 with BOM": (
        b"\xef\xbb\xbf" + EXCEL_PT_BR.encode(), STORED_PT_BR),
    "the same in Windows-1252": (EXCEL_PT_BR.encode("cp1252"), STORED_PT_BR),
    "commas, ISO dates, 1,234.56 and 4,00 in quotes": (
        b'date,campaign_id,spend\n2026-11-30,120001,"1,234.56"\n2026-12-01,120001,"4,00"\n',
        [("2026-11-30", "120001", None, Decimal("1234.56"), "BRL"),
         ("2026-12-01", "120001", None, Decimal("4.00"), "BRL")]),
    "semicolons make 4,00 need no quotes": (
        b"date;campaign_id;spend\n2026-12-01;120001;4,00\n", [("2026-12-01", "120001", None, Decimal("4.00"), "BRL")]),
    "Meta Ads Manager export, English, by day, in dollars": (
        META_EN.encode(), [("2026-11-28", "23850000000000001", "Black Friday", Decimal("1234.56"), "USD"),
                           ("2026-11-29", "23850000000000001", "Black Friday", Decimal("87.50"), "USD")]),
    "Meta Ads Manager export, Portuguese, one day per row": (
        META_PT.encode("cp1252"), [("2026-11-28", "23850000000000001", "Black Friday", Decimal("2345.67"), "BRL")]),
}

REFUSED = [
    ("data;campaign_id;spend\n31/02/2026;120001;5\n", "line 2, column 'data': '31/02/2026' is not a date"),
    ("date;campaign_id;spend\n2026-11-12;120001;12,3,4\n", "line 2, column 'spend': '12,3,4' is not an amount"),
    ("dia\tcampanha\tvalor\n2026-11-12\t1\t5\n", "separated by tabs"),
    ("date|campaign_id|spend\n2026-11-12|1|5\n", "missing column(s): date, campaign_id, spend. The first line was"
     " read as 1 column(s) separated by"),
    (META_EN.replace('"2026-11-28"', '""'), "line 2, column 'Day': '' is not a date"),
    ("Reporting starts,Reporting ends,Campaign name,Amount spent (BRL)\n2026-11-01,2026-11-30,X,10\n",
     "line 2: the row covers 2026-11-01 to 2026-11-30; spend is stored per day"),
]


@pytest.fixture(scope="module")
def admin_company(dsn):
    import psycopg
    with psycopg.connect(dsn, autocommit=True) as conn:
        company, _ = new_tenant(conn, new_pixel(), new_token())
        yield company, new_user(conn, company, "marketing_admin")


def post(client, body: bytes | str, uid: str):
    return client.post("/api/v1/spend/csv", content=body, headers={**bearer(uid), "content-type": "text/csv"})


@pytest.mark.parametrize("name", CASES)
def test_each_format_is_stored_the_same(conn, dsn, admin_company, name):
    company, admin = admin_company
    body, stored = CASES[name]
    conn.execute("delete from revenue.spend where company_id = %s", (company,))
    with api_client(dsn, supabase_jwt_secret=SECRET) as client:
        r = post(client, body, admin)
    assert r.status_code == 200, (name, r.text)
    assert conn.execute("select day::text, campaign_id, campaign_name, spend, currency from revenue.spend"
                        " where company_id = %s order by day", (company,)).fetchall() == stored, name


@pytest.mark.parametrize(("body", "message"), REFUSED)
def test_each_refusal_says_where_and_what_was_expected(dsn, admin_company, body, message):
    _, admin = admin_company
    with api_client(dsn, supabase_jwt_secret=SECRET) as client:
        r = post(client, body, admin)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "invalid_csv"
    assert message in r.json()["error"]["message"], r.json()
