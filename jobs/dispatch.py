"""`trackai work dispatch`: deliver queued events to Meta's Conversions API, in batches of up to 1,000.

Woken by pgmq's insert NOTIFY on the `dispatch` queue (jobs.base.QueueWorker, jobs/registry.py). For each read:

1. `delivery.plan(msg_ids, event_pks)` sorts the messages: drops redeliveries of events already sent,
   dead or skipped; holds (re-times) a destination whose circuit breaker is open; deletes the messages
   of a paused destination (its events stay queued); returns one group per destination (pixel).
2. Per group, ONE transaction: `delivery.claim(...)` locks the events still sendable (FOR UPDATE SKIP
   LOCKED, so two dispatchers never send the same event) and returns the payload SQL built plus the
   encrypted token; the token is decrypted here (the only place a token is ever decrypted), the body is
   POSTed, and `delivery.record_attempt(...)` records the answer and moves events and messages. A crash
   before the commit leaves the events queued: they go again, with the same event_id.
3. A batch Meta rejects for one bad event comes back as 'bisect': each half is sent on its own until
   the bad event is alone and dead-lettered with Meta's message.
"""

from __future__ import annotations

import logging
import uuid

import httpx
import psycopg
from psycopg.types.json import Jsonb

from core.secrets import Keyring, SecretError
from core.settings import Settings
from jobs.base import Message
from jobs.meta_client import MetaAnswer, MetaClient

log = logging.getLogger("trackai.jobs.dispatch")

QUEUE = "dispatch"
MAX_EVENTS = 1000  # Meta's per-request limit (meta_capi.md §5)

_PLAN = "select destination_id, msg_ids, event_pks, probe from delivery.plan(%s::bigint[], %s::bigint[])"
_CLAIM = ("select company_id::text, pixel_id, key_id, ciphertext, msg_ids, event_pks, payload"
          " from delivery.claim(%s, %s::bigint[], %s::bigint[])")
_RECORD = ("select delivery.record_attempt(%s, %s::bigint[], %s::bigint[], %s, %s, %s, %s, %s::jsonb,"
           " %s, %s, %s)")


class Dispatcher:
    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None,
                 keyring: Keyring | None = None):
        self.keyring = keyring or Keyring.parse(settings.secret_key)
        self.meta = MetaClient(settings.meta_graph_url, settings.meta_api_version, settings.meta_timeout_s,
                               transport)

    def handle(self, conn: psycopg.Connection, messages: list[Message]) -> None:
        msg_ids = [m.msg_id for m in messages]
        event_pks = [_event_pk(m) for m in messages]
        try:
            groups = conn.execute(_PLAN, (msg_ids, event_pks)).fetchall()
        except psycopg.OperationalError:
            raise
        except psycopg.Error as exc:  # nothing moved: the messages come back after the visibility timeout
            log.warning("dispatch plan failed", extra={"messages": len(messages),
                                                       "error": f"{type(exc).__name__}: {exc}"[:300]})
            return
        for destination, msgs, evs, probe in groups:
            for i in range(0, len(evs), MAX_EVENTS):
                self.send(conn, destination, msgs[i:i + MAX_EVENTS], evs[i:i + MAX_EVENTS], probe and i == 0)

    def send(self, conn: psycopg.Connection, destination: int, msgs: list[int], evs: list[int],
             probe: bool = False) -> str | None:
        """Claim, POST and record one batch in one transaction. Returns the outcome (None: nothing sent)."""
        request_id = str(uuid.uuid4())
        try:
            with conn.transaction():
                row = conn.execute(_CLAIM, (destination, msgs, evs)).fetchone()
                if row is None:
                    return None
                company_id, pixel_id, key_id, ciphertext, msgs, evs, payload = row
                answer = self._post(company_id, pixel_id, key_id, ciphertext, payload)
                outcome = conn.execute(_RECORD, (
                    destination, msgs, evs, request_id, answer.http_status, answer.body, answer.latency_ms,
                    Jsonb(answer.headers), answer.failure, answer.detail, probe,
                )).fetchone()[0]
        except psycopg.OperationalError:
            raise  # the connection is gone: the worker loop reconnects
        except psycopg.Error as exc:
            # rolled back: the events stay as they were; their messages come back after the visibility timeout
            log.warning("delivery batch rolled back", extra={
                "destination": destination, "events": len(evs),
                "error": f"{type(exc).__name__}: {exc}"[:300]})
            return None
        log.info("meta answered", extra={
            "destination": destination, "pixel": pixel_id, "events": len(evs),
            "http_status": answer.http_status, "failure": answer.failure, "outcome": outcome,
            "latency_ms": answer.latency_ms, "probe": probe, "attempt_request_id": request_id})
        if outcome == "bisect":
            half = len(evs) // 2
            self.send(conn, destination, msgs[:half], evs[:half])
            self.send(conn, destination, msgs[half:], evs[half:])
        return outcome

    def _post(self, company_id: str, pixel_id: str, key_id: str | None, ciphertext: bytes | None,
              payload: str) -> MetaAnswer:
        if ciphertext is None:
            return MetaAnswer(None, None, failure="secret", detail="no Conversions API token is saved")
        try:
            token = self.keyring.decrypt(key_id, ciphertext, company_id, "meta_capi_token")
        except SecretError as exc:  # names the key and the company, never the secret
            return MetaAnswer(None, None, failure="secret", detail=str(exc))
        return self.meta.post_events(pixel_id, token, payload.encode())


def _event_pk(message: Message) -> int:
    try:
        return int(message.message.get("event") or 0)
    except (TypeError, ValueError, AttributeError):
        return 0  # a malformed message matches no event: plan deletes it
