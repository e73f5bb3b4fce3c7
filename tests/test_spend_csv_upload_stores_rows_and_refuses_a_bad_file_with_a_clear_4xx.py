"""POST /api/v1/spend/csv: a marketing admin uploads spend per campaign and day; rows replace the stored
ones for the same day and ids. A bad file is refused whole with a 4xx that says what is wrong (and on
which line); a viewer or another company's admin is refused (403)."""

from __future__ import annotations

from decimal import Decimal

from tests.apiutil import api_client
from tests.dispatchutil import new_pixel, new_tenant, new_token, new_user
from tests.test_dead_letters_are_retried_by_a_company_admin_through_the_api import SECRET, bearer

GOOD = ("date,campaign_id,campaign_name,spend,currency\n"
        "2026-11-10,120001,Black Friday,150.40,BRL\n"
        "2026-11-11,120001,Black Friday,\"99,90\",\n"
        "2026-11-11,120002,Remarketing,10,BRL\n")


def post(client, body: str | bytes, uid: str, ctype: str = "text/csv", **params):
    return client.post("/api/v1/spend/csv", content=body, params=params,
                       headers={**bearer(uid), "content-type": ctype})


def test_upload_and_refusals(conn, dsn):
    a, _ = new_tenant(conn, new_pixel(), new_token())
    b, _ = new_tenant(conn, new_pixel(), new_token())
    admin, viewer, stranger = new_user(conn, a, "marketing_admin"), new_user(conn, a, "viewer"), \
        new_user(conn, b, "marketing_admin")

    def stored():
        return conn.execute("select day::text, campaign_id, campaign_name, spend, currency, source from revenue.spend"
                            " where company_id = %s order by day, campaign_id", (a,)).fetchall()

    with api_client(dsn, supabase_jwt_secret=SECRET) as client:
        r = post(client, GOOD, admin)
        assert r.status_code == 200, r.text
        assert r.json() == {"company_id": a, "rows": 3}
        assert stored() == [("2026-11-10", "120001", "Black Friday", Decimal("150.40"), "BRL", "csv"),
                            ("2026-11-11", "120001", "Black Friday", Decimal("99.90"), "BRL", "csv"),
                            ("2026-11-11", "120002", "Remarketing", Decimal("10.00"), "BRL", "csv")]
        # the same day and campaign again: replaced, not added
        assert post(client, "date,campaign_id,spend\n2026-11-10,120001,160\n", admin).json()["rows"] == 1
        assert stored()[0][3] == Decimal("160.00")

        cases = [
            ("date,campaign_id,spend\n2026-11-12,120001,12\n2026-13-40,120001,5\n", 422,
             "line 3, column 'date': '2026-13-40' is not a date such as 2026-11-30 or 30/11/2026"),
            ("date,campaign_id,spend\n2026-11-12,120001,-5\n", 422,
             "line 2, column 'spend': '-5' is not an amount such as 1.234,56 or 1234.56"),
            ("date,campaign_id,spend\n2026-11-12,,5\n", 422, "line 2, column 'campaign_id': '' is not a campaign id"),
            ("date,campaign_id,spend\n2026-11-12,120001,5,extra\n", 422, "line 2 has more cells"),
            ("date,spend\n2026-11-12,5\n", 422, "missing column(s): campaign_id"),
            ("date,campaign_id,spend\n", 422, "header but no rows"),
            ("", 400, "the file is empty"),
            (b"date,campaign_id,spend\n2026-11-12,\x81,5\n", 400, "neither UTF-8 nor Windows-1252"),
        ]
        for body, status, message in cases:
            r = post(client, body, admin)
            assert r.status_code == status, (body, r.text)
            err = r.json()["error"]
            assert err["code"] == "invalid_csv" or status == 422, err
            assert message in err["message"], (body, err)
            assert err["request_id"]
        assert len(stored()) == 3  # nothing of a refused file was stored

        assert post(client, GOOD, admin, ctype="application/json").status_code == 415
        assert post(client, GOOD, viewer).status_code == 403
        r = post(client, GOOD, stranger, company_id=a)
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
        assert client.post("/api/v1/spend/csv", content=GOOD, headers={"content-type": "text/csv"}).status_code == 401
