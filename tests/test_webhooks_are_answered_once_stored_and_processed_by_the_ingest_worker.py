"""A Perfect Pay postback is answered once it is stored: the 200 names the event_id the sale will carry,
the request waits as 'received' on the ingest queue, and `trackai work ingest` processes it in a batch.
One bad request in a batch fails alone (kept, replayable) and the batch's messages are gone after it."""

from __future__ import annotations

from jobs.registry import WORKERS
from tests.apiutil import api_client, make_tenant, postback, process_ingest, settings_for

BREAK = """
create function tracking.test_break_one_sale() returns trigger language plpgsql set search_path = '' as $$
begin
  if new.provider_ref = 'PP-ING-BAD' then raise exception 'simulated bug for one sale'; end if;
  return new;
end $$;
create trigger test_break_one_sale before insert on tracking.sales
for each row execute function tracking.test_break_one_sale();
"""


def test_the_answer_comes_before_processing_and_names_the_event(dsn, conn):
    tenant = make_tenant(dsn)
    with api_client(dsn, run_ingest=False) as client:
        r = client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=postback(code="PP-ING-1"))
    assert r.status_code == 200
    answer = r.json()
    assert answer["status"] == "accepted" and len(answer["event_id"]) == 64
    assert conn.execute("select status from tracking.inbound where id = %s",
                        (answer["inbound_id"],)).fetchone()[0] == "received"
    assert conn.execute("select count(*) from tracking.events").fetchone()[0] == 0
    assert conn.execute("select count(*) from pgmq.q_ingest").fetchone()[0] == 1

    assert process_ingest(dsn) == 1
    event = conn.execute("select status from tracking.events where event_id = %s", (answer["event_id"],)).fetchone()
    assert event == ("queued",)
    assert conn.execute("select status from tracking.inbound where id = %s",
                        (answer["inbound_id"],)).fetchone()[0] == "processed"
    assert conn.execute("select count(*) from pgmq.q_ingest").fetchone()[0] == 0


def test_one_bad_request_fails_alone_in_its_batch(dsn, conn):
    tenant = make_tenant(dsn)
    conn.execute(BREAK)
    with api_client(dsn, run_ingest=False) as client:
        codes = ["PP-ING-A", "PP-ING-BAD", "PP-ING-B"]
        answers = [client.post(f"/webhooks/perfectpay/{tenant.perfectpay_key}", json=postback(code=c)).json()
                   for c in codes]
    worker = WORKERS["ingest"].worker(settings_for(dsn))
    assert worker.run_once(conn) == 3  # one batch
    states = dict(conn.execute("select body->>'code', status from tracking.inbound where id = any(%s)",
                               ([a["inbound_id"] for a in answers],)).fetchall())
    assert states == {"PP-ING-A": "processed", "PP-ING-BAD": "failed", "PP-ING-B": "processed"}
    assert conn.execute("select count(*) from tracking.events where provider_ref = 'PP-ING-BAD'").fetchone()[0] == 0
    assert conn.execute("select count(*) from pgmq.q_ingest").fetchone()[0] == 0
    assert conn.execute("select count(*) from pgmq.a_ingest").fetchone()[0] == 0, "deleted, not archived"
