"""A 25,000-person segment becomes one Meta Custom Audience, created once, filled in three batches
(10,000 + 10,000 + 5,000) of ONE session. When Meta fails the second batch the job resumes at that batch
in the same session: the first batch is not uploaded again (counted at the fake)."""

from __future__ import annotations

import json
import uuid

import httpx

from core import tenants
from jobs.audiences import QUEUE, AudienceUploader
from jobs.base import QueueWorker
from tests.apiutil import settings_for
from tests.dispatchutil import keyring, meta_fake, new_token

AD_ACCOUNT = "5550001"
PEOPLE = 25_000


class FailSecondBatchOnce(httpx.HTTPTransport):
    """Makes the fake fail the first POST of batch_seq 2 (a 500 from Meta), then lets everything through."""

    def __init__(self, fake):
        super().__init__()
        self.fake, self.failed = fake, False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not self.failed and request.url.path.endswith("/users"):
            request.read()
            if json.loads(request.content)["session"]["batch_seq"] == 2:
                self.failed = True
                self.fake.fail_next(1, "server_error")
        return super().handle_request(request)


def test_three_batches_one_session_and_a_resume_that_does_not_restart(conn, dsn):
    token = new_token()
    company = tenants.create_company(conn, "Loja audiencia", f"au-{uuid.uuid4().hex[:8]}")
    tenants.put_secret(conn, keyring(), company, "meta_ads_token", token)
    conn.execute("insert into revenue.settings (company_id, ad_account_id) values (%s, %s)", (company, AD_ACCOUNT))
    # 25,000 leads of the last days (e-mail hashed by tracking.hash_user_field), none has bought
    conn.execute("""insert into tracking.visitors (company_id, visitor_id, first_seen_at, last_seen_at, em)
                    select %s, 'lead-' || lpad(g::text, 8, '0'), now() - interval '1 day', now(),
                           tracking.hash_user_field('em', 'lead' || g || '@example.com')
                    from generate_series(1, %s) g""", (company, PEOPLE))
    conn.execute("select tests.create_user('au-admin')")
    conn.execute("select tests.add_member(%s, 'au-admin', 'marketing_admin')", (company,))
    with conn.transaction():
        conn.execute("select tests.authenticate_as('au-admin')")
        job, total = conn.execute("select job_id, total from revenue.create_audience_job(null,"
                                  " '{\"kind\": \"leads_without_purchase\", \"days\": 7}', 'Leads sem compra')"
                                  ).fetchone()
        conn.execute("select tests.clear_authentication()")
    assert total == PEOPLE

    with meta_fake() as (fake, url):
        fake.add_ad_account(AD_ACCOUNT, token)
        uploader = AudienceUploader(settings_for(dsn, meta_graph_url=url), transport=FailSecondBatchOnce(fake))
        worker = QueueWorker(dsn, QUEUE, uploader.handle, batch=1, vt_s=0)

        # first run: audience created, batch 1 confirmed, batch 2 refused -> retrying, message kept
        assert worker.run_once(conn) == 1
        state = conn.execute("select status, confirmed_batches, batches, audience_id, session_id, last_error"
                             " from revenue.audience_jobs where id = %s", (job,)).fetchone()
        assert state[:3] == ("retrying", 1, 3)
        assert "code 2" in state[5]
        audience_id, session_id = state[3], state[4]
        assert [b["batch_seq"] for b in fake.audience_batches(audience_id)] == [1]

        # the queue brings the job back: it resumes at batch 2, same audience, same session
        assert worker.run_once(conn) == 1
        assert conn.execute("select count(*) from pgmq.q_audiences").fetchone()[0] == 0

        batches = fake.audience_batches(audience_id)
        assert [b["batch_seq"] for b in batches] == [1, 2, 3]          # batch 1 was not uploaded again
        assert {b["session_id"] for b in batches} == {session_id}
        assert [b["num_received"] for b in batches] == [10_000, 10_000, 5_000]
        assert [b["last_batch_flag"] for b in batches] == [False, False, True]
        assert {b["estimated_num_total"] for b in batches} == {PEOPLE}
        assert len(fake.audience(audience_id).members) == PEOPLE
        calls = [(r["method"], r["path"].split("/", 2)[-1], r["status"]) for r in fake.requests()]
        assert calls == [("POST", f"act_{AD_ACCOUNT}/customaudiences", 200),
                         ("POST", f"{audience_id}/users", 200), ("POST", f"{audience_id}/users", 500),
                         ("POST", f"{audience_id}/users", 200), ("POST", f"{audience_id}/users", 200)]

    assert conn.execute("select status, confirmed_batches, audience_id from revenue.audience_jobs where id = %s",
                        (job,)).fetchone() == ("completed", 3, audience_id)
    # the job's log: a row per batch attempt
    assert conn.execute("select batch_seq, status, row_count from revenue.audience_batches where job_id = %s"
                        " order by id", (job,)).fetchall() == [
        (1, "confirmed", 10_000), (2, "failed", 10_000), (2, "confirmed", 10_000), (3, "confirmed", 5_000)]
