"""POST /api/v1/remarketing/jobs: a marketing admin's segment ({"kind": "buyers_of_product", ...} or
{"kind": "leads_without_purchase", "days": N}) becomes a queued job (202 with its id); bad criteria, an
empty segment or a missing ad account are 422, a viewer 403. The job row is in the supabase_realtime
publication: its status changes come out of the change stream, readable by the company's members only."""

from __future__ import annotations

import json
import uuid

from psycopg.types.json import Jsonb

from core import tenants
from jobs.audiences import AudienceUploader
from tests.apiutil import api_client, settings_for
from tests.dispatchutil import keyring, meta_fake, new_pixel, new_tenant, new_token, new_user
from tests.test_dead_letters_are_retried_by_a_company_admin_through_the_api import SECRET, bearer


def buyers(conn, company):
    """Three buyers of product CURSO-1 (one refunded: not in the segment) and one of another product."""
    for ref, email, product, effect in (("B1", "ana@example.com", "CURSO-1", "sale"),
                                        ("B2", "bia@example.com", "CURSO-1", "sale"),
                                        ("B3", "caio@example.com", "CURSO-1", "refund"),
                                        ("B4", "davi@example.com", "EBOOK", "sale")):
        conn.execute("select tracking.upsert_sale(%s, 'perfectpay', %s, 'x', %s, 97, 'BRL', %s, 'Curso', null, %s,"
                     " app.now(), null)",
                     (company, ref, effect, product, Jsonb({"em": tenants.sha256_hex(email)})))


def test_jobs_are_created_by_admins_and_their_status_is_streamed(conn, dsn):
    token = new_token()
    a, _ = new_tenant(conn, new_pixel(), new_token())
    b, _ = new_tenant(conn, new_pixel(), new_token())
    tenants.put_secret(conn, keyring(), a, "meta_ads_token", token)
    buyers(conn, a)
    admin, viewer = new_user(conn, a, "marketing_admin"), new_user(conn, a, "viewer")
    admin_b = new_user(conn, b, "marketing_admin")
    criteria = {"kind": "buyers_of_product", "product": "CURSO-1"}

    with api_client(dsn, supabase_jwt_secret=SECRET) as client:
        def post(uid, body):
            return client.post("/api/v1/remarketing/jobs", json=body, headers=bearer(uid))

        r = post(admin, {"criteria": criteria})
        assert r.status_code == 422 and "ad account" in r.json()["error"]["message"]
        conn.execute("insert into revenue.settings (company_id, ad_account_id) values (%s, '8880001')", (a,))
        assert post(viewer, {"criteria": criteria}).status_code == 403
        assert post(admin_b, {"company_id": a, "criteria": criteria}).status_code == 403
        for bad in ({"kind": "everyone"}, {"kind": "leads_without_purchase", "days": 0},
                    {"kind": "buyers_of_product"}, {"kind": "buyers_of_product", "product": "X", "extra": 1}):
            r = post(admin, {"criteria": bad})
            assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_fields", (bad, r.text)
        r = post(admin, {"criteria": {"kind": "buyers_of_product", "product": "NOBODY"}})
        assert r.status_code == 422 and "nobody matches" in r.json()["error"]["message"]

        slot = f"rev_rt_{uuid.uuid4().hex[:10]}"
        conn.execute("select pg_create_logical_replication_slot(%s, 'wal2json')", (slot,))
        try:
            r = post(admin, {"criteria": criteria, "name": "Compradores do curso"})
            assert r.status_code == 202, r.text
            body = r.json()
            assert body["company_id"] == a and body["total"] == 2 and body["status"] == "queued"
            job = body["job_id"]
            with meta_fake() as (fake, url):
                fake.add_ad_account("8880001", token)
                assert AudienceUploader(settings_for(dsn, meta_graph_url=url)).upload(conn, job) == "completed"
                audience_id = conn.execute("select audience_id from revenue.audience_jobs where id = %s",
                                           (job,)).fetchone()[0]
                assert fake.audience(audience_id).name == "Compradores do curso"
                members = {m[0] for m in fake.audience(audience_id).members}
                assert members == {tenants.sha256_hex("ana@example.com"), tenants.sha256_hex("bia@example.com")}
            rows = conn.execute("select data from pg_logical_slot_get_changes(%s, null, null, 'format-version', '2',"
                                " 'add-tables', 'revenue.audience_jobs')", (slot,)).fetchall()
        finally:
            conn.execute("select pg_drop_replication_slot(%s)", (slot,))

    changes = [json.loads(r[0]) for r in rows]
    statuses = [{c["name"]: c["value"] for c in ch["columns"]}["status"] for ch in changes if ch["action"] in "IU"]
    assert statuses[0] == "queued" and statuses[-1] == "completed" and "uploading" in statuses

    def visible(uid):
        with conn.transaction():
            conn.execute("select set_config('request.jwt.claims', %s, true), set_config('role', 'authenticated', true)",
                         (json.dumps({"sub": uid, "role": "authenticated"}),))
            n = conn.execute("select count(*) from revenue.audience_jobs where id = %s", (job,)).fetchone()[0]
            conn.execute("reset role")
        return n
    assert (visible(viewer), visible(admin_b)) == (1, 0)
