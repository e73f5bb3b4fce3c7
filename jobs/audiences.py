"""`trackai work audiences`: upload remarketing segments to Meta Custom Audiences (meta_capi.md §9).

Each message of the `audiences` queue names a job (revenue.audience_jobs). The worker:

1. `revenue.start_audience_upload(job)`: the ad account, the stored audience id (none yet: the audience is
   created once with POST act_<id>/customaudiences and its id stored), the job's fixed session id and the
   first unconfirmed batch;
2. per batch (at most 10,000 rows, hashed in SQL by tracking.hash_user_field) POST <audience>/users with
   the session parameters (session_id, batch_seq, last_batch_flag, estimated_num_total), and records the
   answer with `revenue.record_audience_batch` (a row per batch);
3. on a failure it stops: the message stays on the queue and comes back after the visibility timeout,
   and the job resumes at the first unconfirmed batch, in the same session. After MAX_READS the job fails.
"""

from __future__ import annotations

import json
import logging

import httpx
import psycopg

from core.secrets import Keyring, SecretError
from core.settings import Settings
from jobs.base import Message
from jobs.meta_client import MetaAnswer, MetaClient

log = logging.getLogger("trackai.jobs.audiences")

QUEUE = "audiences"
MAX_READS = 10
SECRET_KIND = "meta_ads_token"

_START = ("select company_id::text, ad_account_id, name, audience_id, session_id, total, batch_size, batches,"
          " next_batch, status, key_id, ciphertext from revenue.start_audience_upload(%s)")
_RECORD = "select revenue.record_audience_batch(%s, %s, %s, %s, %s, %s, %s, %s, %s)"


class GraphClient(MetaClient):
    """The dispatcher's Graph client, for any Graph call (token in the Authorization header)."""

    def call(self, method: str, path: str, token: str, **kwargs) -> MetaAnswer:
        return self._send(method, f"/{self.api_version}/{path.lstrip('/')}", token=token, **kwargs)


def graph_client(settings: Settings, transport: httpx.BaseTransport | None) -> GraphClient:
    # Custom Audience and Insights calls are slower than CAPI's; never below 10 s
    return GraphClient(settings.meta_graph_url, settings.meta_api_version, max(settings.meta_timeout_s, 10.0),
                       transport)


def decrypt_ads_token(keyring: Keyring, company_id: str, key_id: str | None, ciphertext: bytes | None) -> str:
    if ciphertext is None:
        raise SecretError(f"no Meta ads token ({SECRET_KIND}) is saved for company {company_id}")
    return keyring.decrypt(key_id, ciphertext, company_id, SECRET_KIND)


def failure_text(answer: MetaAnswer) -> str:
    """Meta's error message (never the request), or the transport failure."""
    if answer.failure:
        return f"{answer.failure}: {answer.detail}"[:500]
    try:
        err = json.loads(answer.body or "{}").get("error") or {}
        return f"HTTP {answer.http_status} code {err.get('code')}: {err.get('message')}"[:500]
    except (ValueError, AttributeError):
        return f"HTTP {answer.http_status}"


class AudienceUploader:
    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None,
                 keyring: Keyring | None = None):
        self.keyring = keyring or Keyring.parse(settings.secret_key)
        self.graph = graph_client(settings, transport)

    def handle(self, conn: psycopg.Connection, messages: list[Message]) -> None:
        for msg in messages:
            status = self.upload(conn, int(msg.message.get("job") or 0), msg.read_ct)
            if status != "retrying":
                conn.execute("select pgmq.delete(%s, %s::bigint)", (QUEUE, msg.msg_id))

    def upload(self, conn: psycopg.Connection, job: int, read_ct: int = 1) -> str:
        """Run (or resume) one job as far as it goes; returns the job's status."""
        row = conn.execute(_START, (job,)).fetchone()
        if row is None:
            return "gone"
        (company_id, ad_account, name, audience_id, session_id, total, size, batches, next_batch, status,
         key_id, ciphertext) = row
        if status not in ("uploading",):
            return status
        give_up = read_ct >= MAX_READS
        try:
            token = decrypt_ads_token(self.keyring, company_id, key_id, ciphertext)
        except SecretError as exc:
            return self._record(conn, job, 0, False, 0, None, str(exc), give_up=True)
        if audience_id is None:
            answer = self.graph.call("POST", f"act_{ad_account}/customaudiences", token, json={
                "name": name, "subtype": "CUSTOM", "customer_file_source": "USER_PROVIDED_ONLY",
                "description": f"Track AI remarketing job {job}"})
            if answer.http_status != 200:
                return self._record(conn, job, 0, False, 0, answer, failure_text(answer), give_up=give_up)
            audience_id = json.loads(answer.body)["id"]
            conn.execute("select revenue.record_audience_created(%s, %s)", (job, audience_id))
        for seq in range(next_batch, batches + 1):
            rows = conn.execute("select em, ph from revenue.audience_batch_rows(%s, %s)", (job, seq)).fetchall()
            payload = {"schema": ["EMAIL", "PHONE"], "data": [[em or "", ph or ""] for em, ph in rows]}
            session = {"session_id": session_id, "batch_seq": seq, "last_batch_flag": seq == batches,
                       "estimated_num_total": total}
            answer = self.graph.call("POST", f"{audience_id}/users", token,
                                     json={"payload": payload, "session": session})
            if answer.http_status != 200:
                return self._record(conn, job, seq, False, len(rows), answer, failure_text(answer), give_up=give_up)
            status = self._record(conn, job, seq, True, len(rows), answer, None)
        return status

    def _record(self, conn: psycopg.Connection, job: int, seq: int, ok: bool, n: int, answer: MetaAnswer | None,
                error: str | None, give_up: bool = False) -> str:
        received = invalid = None
        if ok and answer is not None:
            body = json.loads(answer.body)
            received, invalid = body.get("num_received"), body.get("num_invalid_entries")
        status = conn.execute(_RECORD, (job, seq, ok, n, received, invalid,
                                        answer.http_status if answer else None, error, give_up)).fetchone()[0]
        log.info("audience batch", extra={"job": job, "batch_seq": seq, "ok": ok, "rows": n, "status": status,
                                          "error": error})
        return status
