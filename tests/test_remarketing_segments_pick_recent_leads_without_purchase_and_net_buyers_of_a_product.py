"""The two segment kinds, by their hashed identifiers: leads of the last N days (identified visitors and
Lead events) minus anyone who bought (by e-mail, phone or visitor), and buyers of a product by code or
name, minus those whose purchase was refunded."""

from __future__ import annotations

import uuid

from psycopg.types.json import Jsonb

from core import tenants

NOW = "2026-11-20 12:00:00+00"


def h(field: str, value: str, conn) -> str:
    return conn.execute("select tracking.hash_user_field(%s, %s)", (field, value)).fetchone()[0]


def segment(conn, company, criteria) -> set[tuple]:
    return set(conn.execute("select em, ph from revenue.segment(%s, %s)", (company, Jsonb(criteria))).fetchall())


def test_segments(conn):
    conn.execute("select set_config('trackai.now', %s, false)", (NOW,))
    company = tenants.create_company(conn, "Loja segmentos", f"sg-{uuid.uuid4().hex[:8]}")
    other = tenants.create_company(conn, "Outra", f"sg-{uuid.uuid4().hex[:8]}")
    for visitor, raw, days_ago in (("visitor-new-1", {"em": "nova@example.com"}, 2),
                                   ("visitor-old-1", {"em": "antiga@example.com"}, 30),
                                   ("visitor-buy-1", {"ph": "+55 31 98888-7777"}, 1),
                                   ("visitor-anon1", {}, 1)):
        conn.execute("select tracking.touch_visitor(%s, %s, %s::timestamptz - make_interval(days => %s), %s)",
                     (company, visitor, NOW, days_ago, Jsonb(raw)))
    conn.execute("select tracking.touch_visitor(%s, 'visitor-other', %s, '{\"em\": \"outra@example.com\"}')",
                 (other, NOW))
    # a Lead event from the API with no visitor, and the visitor-buy-1 lead who bought (linked by phone)
    conn.execute("select tracking.record_event(%s, null, 'api', 'L1', 'Lead', app.now(), 'system_generated', null,"
                 " '{\"em\": \"api-lead@example.com\"}', '{}')", (company,))
    conn.execute("select tracking.upsert_sale(%s, 'perfectpay', 'S1', 'approved', 'sale', 50, 'BRL', 'CURSO-1',"
                 " 'Curso de tráfego', null, %s, app.now(), null)",
                 (company, Jsonb({"ph": h("ph", "5531988887777", conn)})))
    conn.execute("select tracking.upsert_sale(%s, 'perfectpay', 'S2', 'approved', 'sale', 80, 'BRL', 'EBOOK-9',"
                 " 'Ebook', null, %s, app.now(), null)", (company, Jsonb({"em": h("em", "leitor@example.com", conn)})))
    conn.execute("select tracking.upsert_sale(%s, 'perfectpay', 'S3', 'refunded', 'refund', 80, 'BRL', 'EBOOK-9',"
                 " 'Ebook', null, %s, app.now(), null)", (company, Jsonb({"em": h("em", "arrependido@example.com",
                                                                                      conn)})))

    assert segment(conn, company, {"kind": "leads_without_purchase", "days": 7}) == {
        (h("em", "nova@example.com", conn), None), (h("em", "api-lead@example.com", conn), None)}
    assert len(segment(conn, company, {"kind": "leads_without_purchase", "days": 60})) == 3  # + antiga
    assert segment(conn, company, {"kind": "buyers_of_product", "product": "EBOOK-9"}) == {
        (h("em", "leitor@example.com", conn), None)}
    assert segment(conn, company, {"kind": "buyers_of_product", "product": "Curso de tráfego"}) == {
        (None, h("ph", "5531988887777", conn))}
