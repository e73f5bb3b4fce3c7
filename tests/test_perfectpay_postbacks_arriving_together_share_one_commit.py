"""Postbacks that arrive while the API's database call is under way are stored together (group commit:
one transaction for several, see service/group_commit.py), and each answer still names its own stored
request and the event id its own sale will carry."""

from __future__ import annotations

import json
import threading

import psycopg

from tests.apiutil import api_client, make_tenant, postback

COPIES = 24


def test_postbacks_arriving_together_share_commits_and_each_gets_its_own_answer(dsn):
    tenant = make_tenant(dsn)
    barrier = threading.Barrier(COPIES)
    answers: list = [None] * COPIES
    with api_client(dsn, run_ingest=False) as client:
        def deliver(i: int) -> None:
            barrier.wait()
            answers[i] = client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}",
                                     content=json.dumps(postback(code=f"TOGETHER-{i}")),
                                     headers={"content-type": "application/json"})

        threads = [threading.Thread(target=deliver, args=(i,)) for i in range(COPIES)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)

    assert [a.status_code for a in answers] == [200] * COPIES
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = {inbound: (code, xmin) for inbound, code, xmin in conn.execute(
            "select id, body->>'code', xmin::text from tracking.inbound where body->>'code' like 'TOGETHER-%'")}
        for i, answer in enumerate(answers):
            body = answer.json()
            assert rows[body["inbound_id"]][0] == f"TOGETHER-{i}"
            assert body["event_id"] == conn.execute(
                "select tracking.derive_event_id(%s, 'perfectpay', %s, 'Purchase')",
                (tenant.company_id, f"TOGETHER-{i}")).fetchone()[0]
        queued = conn.execute("select count(*) from pgmq.q_ingest where (message->>'inbound')::bigint = any(%s)",
                              (list(rows),)).fetchone()[0]
    assert len(rows) == COPIES and queued == COPIES
    assert len({xmin for _, xmin in rows.values()}) < COPIES, "every postback had its own commit"
