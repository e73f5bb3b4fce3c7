"""Helpers of the delivery tests: tenants with a pixel and a token, events on the queue, the Meta fake,
and a dispatcher driven step by step."""

from __future__ import annotations

import contextlib
import logging
import time
import uuid
from collections.abc import Callable, Iterator

import psycopg

from core import tenants
from core.secrets import Keyring
from core.settings import Settings, load
from fakes.base import serve
from fakes.meta_graph import MetaFake
from jobs.base import QueueWorker
from jobs.registry import WORKERS
from tests.apiutil import settings_for

UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36"


def keyring() -> Keyring:
    return Keyring.parse(load().secret_key)


def new_token() -> str:
    return "EAAG" + uuid.uuid4().hex + uuid.uuid4().hex


def new_pixel() -> str:
    return str(10**14 + uuid.uuid4().int % 10**14)


def new_tenant(conn: psycopg.Connection, pixel_id: str, token: str,
               test_event_code: str | None = None) -> tuple[str, int]:
    """A company with a destination (pixel) and its encrypted CAPI token: (company_id, destination_id)."""
    slug = f"d-{uuid.uuid4().hex[:10]}"
    company = tenants.create_company(conn, "Loja " + slug, slug)
    dest = tenants.add_destination(conn, keyring(), company, pixel_id, token, test_event_code)
    return company, dest


def record_events(conn: psycopg.Connection, company: str, n: int, *, prefix: str | None = None,
                  age_s: int = 300, action_source: str = "website") -> list[int]:
    """n Purchase events through tracking.record_event (queued on 'dispatch'); returns their ids."""
    prefix = prefix or uuid.uuid4().hex[:8]
    rows = conn.execute(
        """
        select r.event_pk
        from generate_series(1, %(n)s) g,
        lateral tracking.record_event(
          %(company)s::uuid, null, 'api', %(prefix)s || '-' || g, 'Purchase',
          app.now() - make_interval(secs => %(age)s), %(src)s, 'https://loja.example.com.br/obrigado',
          jsonb_build_object('em', 'cliente' || g || '@example.com', 'client_user_agent', %(ua)s::text,
                             'client_ip_address', '200.1.2.' || (g %% 250)),
          jsonb_build_object('value', 97 + g, 'currency', 'BRL')) r
        order by r.event_pk
        """, {"n": n, "company": company, "prefix": prefix, "age": age_s, "src": action_source, "ua": UA},
    ).fetchall()
    return [r[0] for r in rows]


def event_ids(conn: psycopg.Connection, pks: list[int]) -> list[str]:
    return [r[0] for r in conn.execute("select event_id from tracking.events where id = any(%s) order by id",
                                       (pks,)).fetchall()]


def statuses(conn: psycopg.Connection, pks: list[int]) -> dict[str, int]:
    return dict(conn.execute("select status, count(*) from tracking.events where id = any(%s)"
                             " group by status", (pks,)).fetchall())


@contextlib.contextmanager
def meta_fake(*pixels: tuple[str, str], **kwargs) -> Iterator[tuple[MetaFake, str]]:
    """A MetaFake with these (pixel_id, token) pairs, served on a free port: yields (fake, url)."""
    fake = MetaFake(**kwargs)
    for pixel, token in pixels:
        fake.add_pixel(pixel, token)
    with serve(fake.app) as server:
        yield fake, server.url


def dispatch_settings(dsn: str, url: str, **overrides) -> Settings:
    overrides.setdefault("meta_timeout_s", 1.5)
    overrides.setdefault("dispatch_vt_s", 30)
    return settings_for(dsn, meta_graph_url=url, **overrides)


def worker(settings: Settings) -> QueueWorker:
    return WORKERS["dispatch"].worker(settings)


def drain(w: QueueWorker, dsn: str, until: Callable[[psycopg.Connection], bool], timeout_s: float = 20.0,
          idle_sleep_s: float = 0.05) -> None:
    """Run the worker's read-handle step until `until(conn)` holds (asserts it does within timeout_s)."""
    deadline = time.monotonic() + timeout_s
    with psycopg.connect(dsn, autocommit=True) as conn:
        while not until(conn):
            assert time.monotonic() < deadline, "the dispatcher did not get there in time"
            if w.run_once(conn) == 0:
                time.sleep(idle_sleep_s)


def set_delivery(conn: psycopg.Connection, **values) -> None:
    """Tune delivery.settings (backoff, breaker) for a fast test."""
    sets = ", ".join(f"{k} = %({k})s" for k in values)
    conn.execute(f"update delivery.settings set {sets}", values)  # noqa: S608 - keys are ours


class Captured(logging.Handler):
    """Every log record of every logger, formatted, including exceptions."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record) + " " + repr(record.__dict__))


@contextlib.contextmanager
def capture_all_logs() -> Iterator[Captured]:
    handler = Captured()
    root = logging.getLogger()
    loggers = [root] + [logging.getLogger(n) for n in ("trackai", "httpx", "httpcore", "uvicorn", "fakes")]
    old = [(lg, lg.level, lg.propagate) for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        for lg, level, propagate in old:
            lg.removeHandler(handler)
            lg.setLevel(level)
            lg.propagate = propagate


def kill_events(conn: psycopg.Connection, destination: int, pks: list[int], code: int = 100,
                http_status: int = 400) -> None:
    """Dead-letter queued events one by one as if Meta had refused each with `code` (retryable codes die
    through an attempt cap of 1)."""
    import json

    body = json.dumps({"error": {"message": "Invalid parameter", "type": "OAuthException", "code": code,
                                 "error_subcode": 2804001 if code == 100 else None,
                                 "error_user_msg": f"refused with {code}", "fbtrace_id": "Atest"}})
    cap = conn.execute("select max_attempts from delivery.settings").fetchone()[0]
    conn.execute("update delivery.settings set max_attempts = 1")
    try:
        for pk in pks:
            msg = conn.execute("select msg_id from pgmq.q_dispatch where (message->>'event')::bigint = %s",
                               (pk,)).fetchone()[0]
            outcome = conn.execute(
                "select delivery.record_attempt(%s, array[%s]::bigint[], array[%s]::bigint[], 'test',"
                " %s, %s, 5)",
                (destination, msg, pk, http_status, body)).fetchone()[0]
            assert outcome in ("dead", "retry"), outcome
    finally:
        conn.execute("update delivery.settings set max_attempts = %s", (cap,))


def new_user(conn: psycopg.Connection, company: str, role: str) -> str:
    uid = conn.execute("insert into auth.users (email) values (%s) returning id::text",
                       (f"{uuid.uuid4().hex[:8]}@example.com",)).fetchone()[0]
    conn.execute("insert into app.company_members (company_id, user_id, role) values (%s, %s, %s)",
                 (company, uid, role))
    return uid
