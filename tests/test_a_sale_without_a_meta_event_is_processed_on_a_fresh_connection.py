"""A refund or an unknown status arriving as the first sale a database session processes is recorded
(sale updated, status flagged), not failed: the sale path must not read an event it never recorded."""

from __future__ import annotations

import psycopg
import pytest

from tests.apiutil import make_tenant


@pytest.mark.parametrize(("code", "status", "sale_status"), [("PP-FIRST-REFUND", 7, "refunded"),
                                                               ("PP-FIRST-UNKNOWN", 99, "unknown:99")])
def test_the_first_sale_of_a_session_without_an_event_is_processed(dsn, code, status, sale_status):
    tenant = make_tenant(dsn)
    with psycopg.connect(dsn, autocommit=True) as setup:
        inbound = setup.execute(
            "select tracking.store_inbound(%s, 'perfectpay', 'req-fresh', '{}', %s::jsonb, false)",
            (tenant.company_id, f'{{"code": "{code}", "sale_status_enum": {status}}}')).fetchone()[0]
    with psycopg.connect(dsn, autocommit=True) as fresh:  # nothing processed on this session before
        assert fresh.execute("select tracking.process_inbound(%s)", (inbound,)).fetchone()[0] == "processed"
        assert fresh.execute("select status from tracking.sales where provider_ref = %s",
                             (code,)).fetchone()[0] == sale_status
