"""`trackai work setup`: runs ready onboarding steps from the `setup` pgmq queue, many at once.

The database queues a step when its dependencies have succeeded (setup.advance), so independent
steps are in the queue together and run concurrently here (the asyncio form of the loop in jobs/base.py:
one task per step, up to SETUP_CONCURRENCY).
Each step is taken with setup.start_step and its outcome written with setup.report_step, the one
function that decides retries and diagnoses. A worker killed mid-step loses nothing: the message
comes back after SETUP_VT_S and the step is taken again (steps are idempotent).
"""

from __future__ import annotations

import base64
import logging
from typing import Any

import httpx
import psycopg

from core.secrets import Keyring, SecretError
from core.settings import Settings
from jobs import setup_steps
from jobs.base import Message
from jobs.meta_client import MetaClient
from jobs.providers import gtm
from jobs.providers.errors import ProviderError

log = logging.getLogger("trackai.jobs.setup")
QUEUE = "setup"


class StepRunner:
    """The setup worker's handler: one onboarding step per message (jobs/registry.py runs it on the asyncio
    form of the loop, SETUP_CONCURRENCY steps at once). `transport` reaches its Meta client (tests)."""

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None):
        self.settings = settings
        self.dsn = settings.dsn
        self.keyring = Keyring.parse(settings.secret_key)
        self.meta = MetaClient(settings.meta_graph_url, settings.meta_api_version, max(settings.meta_timeout_s, 5.0),
                               transport)
        self.gtm = gtm.client_from_settings(settings)

    async def handle(self, msg: Message) -> None:
        async with await psycopg.AsyncConnection.connect(self.dsn, autocommit=True) as conn:
            cur = await conn.execute(
                "select step_id, name, attempt, session, results, secrets from setup.start_step(%s)",
                (msg.message.get("step_id"),))
            row = await cur.fetchone()
            if row is None:  # done already, or a stale duplicate
                await conn.execute("select pgmq.delete(%s, %s::bigint)", (QUEUE, msg.msg_id))
                return
            step_id, name, attempt, session, results, secrets = row
            log.info("setup step started", extra={"step": name, "attempt": attempt, "session": session["id"]})
            ctx = setup_steps.StepContext(self.settings, self.dsn, name, session, results,
                                          self._secrets(session["company_id"], secrets), self.meta, self.gtm)
            result, code, message_text = await self._attempt(ctx)
            async with conn.transaction():
                cur = await conn.execute("select setup.report_step(%s, %s, %s, %s, %s)",
                                         (step_id, attempt, psycopg.types.json.Jsonb(result), code, message_text))
                outcome = (await cur.fetchone())[0]
                await conn.execute("select pgmq.delete(%s, %s::bigint)", (QUEUE, msg.msg_id))
            log.info("setup step reported", extra={"step": name, "attempt": attempt, "outcome": outcome,
                                                   "code": code})

    async def _attempt(self, ctx: setup_steps.StepContext) -> tuple[dict, str | None, str | None]:
        try:
            return await setup_steps.STEPS[ctx.name](ctx), None, None
        except ProviderError as exc:
            return {}, exc.code, exc.message
        except Exception as exc:  # a bug must not kill the loop; it becomes internal.error, retried
            log.exception("setup step crashed", extra={"step": ctx.name})
            return {}, "internal.error", f"{type(exc).__name__} in {ctx.name}"

    def _secrets(self, company_id: str, stored: dict[str, Any]):
        def secret(kind: str) -> str | None:
            item = stored.get(kind)
            if not item:
                return None
            try:
                return self.keyring.decrypt(item["key_id"], base64.b64decode(item["ciphertext"]), company_id, kind)
            except SecretError as exc:
                raise ProviderError("internal.error", str(exc)) from None
        return secret

