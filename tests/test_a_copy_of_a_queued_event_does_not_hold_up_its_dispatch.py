"""A copy of an event already queued (a gateway's retry, a duplicate postback) is answered from the
first without locking it: the dispatcher claims events `for update skip locked`, and a locked event
would wait out its message's whole visibility timeout (the soak saw 60 s). A copy of an invalid event
is still locked, to be judged again by one transaction at a time."""

from __future__ import annotations

import uuid

import psycopg

from tests.dispatchutil import new_pixel, new_tenant, new_token

RECORD = ("select event_pk, duplicate, status from tracking.record_event(%s, null, 'api', %s, 'Lead', now(),"
          " 'system_generated', null, %s::jsonb, '{}')")
CLAIMABLE = "select id from tracking.events where id = %s for update skip locked"


def test_a_copy_leaves_a_queued_event_claimable_and_locks_an_invalid_one(conn, dsn):
    company, _ = new_tenant(conn, new_pixel(), new_token())
    ref, bad = f"copy-{uuid.uuid4().hex[:8]}", f"bad-{uuid.uuid4().hex[:8]}"
    queued, _, status = conn.execute(RECORD, (company, ref, '{"em": "ana@example.com"}')).fetchone()
    assert status == "queued"
    invalid, _, status = conn.execute(RECORD, (company, bad, "{}")).fetchone()
    assert status == "invalid"

    with psycopg.connect(dsn) as copier, psycopg.connect(dsn, autocommit=True) as dispatcher:
        # the copies, in a transaction still open (as an ingest worker's batch is)
        assert copier.execute(RECORD, (company, ref, '{"em": "ana@example.com"}')).fetchone()[1:] == (True, "queued")
        assert copier.execute(RECORD, (company, bad, "{}")).fetchone()[1:] == (False, "invalid")
        assert dispatcher.execute(CLAIMABLE, (queued,)).fetchone() is not None, "a copy locked the queued event"
        assert dispatcher.execute(CLAIMABLE, (invalid,)).fetchone() is None, "the invalid one is being judged again"
        copier.rollback()
