"""`trackai work ingest`: processes stored webhook requests in batches.

A gateway's notification is acknowledged once it is stored (tracking.ingest_webhook_batch); this worker does
the rest — normalise, hash, match, dedup, record the sale, queue the Meta event — through
tracking.process_inbound_batch, and deletes the batch's messages in the same transaction: a crash
before the commit leaves them to be read again, and processing a request twice records nothing twice.
"""

from __future__ import annotations

import psycopg

from jobs.base import Message

QUEUE = "ingest"


def handle(conn: psycopg.Connection, messages: list[Message]) -> None:
    with conn.transaction():
        conn.execute("select count(*) from tracking.process_inbound_batch(%s::bigint[])",
                     ([int(m.message["inbound"]) for m in messages],))
        conn.execute("select pgmq.delete(%s, %s::bigint[])", (QUEUE, [m.msg_id for m in messages]))
