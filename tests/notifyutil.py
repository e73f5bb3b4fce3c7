"""Helpers of the notifier tests: the Slack fake, a local SMTP server (aiosmtpd) and notifier threads."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from email import message_from_bytes

from aiosmtpd.controller import Controller

from fakes.base import serve
from fakes.slack import SlackFake
from jobs.registry import WORKERS
from tests.apiutil import settings_for


class Mailbox:
    """aiosmtpd handler that keeps every message it is handed."""

    def __init__(self):
        self.messages = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        with self._lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def subjects(self) -> list[str]:
        with self._lock:
            return [m["Subject"] for m in self.messages]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


@contextlib.contextmanager
def channels(dsn: str) -> Iterator[tuple[SlackFake, Mailbox, object]]:
    """A Slack fake with one webhook and an SMTP server; yields (slack, mailbox, settings)."""
    fake = SlackFake()
    path = fake.add_webhook()
    with serve(fake.app) as server, smtp_server() as (box, port):
        settings = settings_for(dsn, slack_webhook_url=server.url + path, smtp_host="127.0.0.1", smtp_port=port,
                                smtp_from="alerts@trackai.local", alert_email_to=("ops@trackai.local",),
                                notify_timeout_s=3.0)
        yield fake, box, settings


@contextlib.contextmanager
def notifiers(settings, count: int = 2) -> Iterator[None]:
    workers = [WORKERS["notify"].worker(settings, name=f"notify-{i}") for i in range(count)]
    threads = [threading.Thread(target=w.run, daemon=True) for w in workers]
    for t in threads:
        t.start()
    try:
        yield
    finally:
        for w in workers:
            w.stop.set()
        for t in threads:
            t.join(10)


def wait_for(check: Callable[[], bool], timeout_s: float = 20.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
