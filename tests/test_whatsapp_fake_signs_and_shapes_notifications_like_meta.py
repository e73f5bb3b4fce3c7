"""The WhatsApp fake posts what Meta posts: the envelope and items of the reference examples, compact JSON
with non-ASCII escaped, signed over the exact bytes sent (the reference test vector holds); it runs
in-process or as `python -m fakes.whatsapp`, driven over HTTP."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from core.settings import REPO_ROOT
from fakes import whatsapp as wa
from fakes.base import serve

EXAMPLES = Path("/work/shared/reference/examples")
SECRET = "test_app_secret_0123456789abcdef"


def _keys(value, path="") -> set[str]:
    """Every key path of a JSON value (list items collapse to [])."""
    if isinstance(value, dict):
        return {p for k, v in value.items() for p in {f"{path}.{k}"} | _keys(v, f"{path}.{k}")}
    if isinstance(value, list):
        return {p for v in value for p in _keys(v, f"{path}[]")}
    return set()


@pytest.fixture
def receiver():
    """A stand-in for our endpoint that keeps the raw bytes and headers of each post."""
    got: list[tuple[bytes, dict]] = []

    async def hook(request: Request):
        got.append((await request.body(), dict(request.headers)))
        return PlainTextResponse("ok")

    with serve(Starlette(routes=[Route("/hook", hook, methods=["POST"])])) as server:
        yield f"{server.url}/hook", got


def test_the_reference_vector_holds():
    raw = (EXAMPLES / "whatsapp_ctwa_example.json").read_bytes()
    assert wa.sign(raw, SECRET) == "sha256=c4883f87b20b061ba562774eb6aa52d7b8c69dcfeda55e581bb6d7c494bd5d57"


def test_a_ctwa_message_and_a_sent_status_have_the_reference_shapes():
    ctwa = json.loads((EXAMPLES / "whatsapp_ctwa_example.json").read_text())
    built = wa.envelope(contacts=[wa.contact("16505551234", "Sheena Nelson")],
                        messages=[wa.text_message("16505551234", "Can I get more info about this?",
                                                  referral=wa.referral())])
    assert _keys(built) == _keys(ctwa)
    sent = json.loads((EXAMPLES / "whatsapp_status_example.json").read_text())
    built = wa.envelope(statuses=[wa.status(wa.new_wamid(), "sent", "16505551234")])
    assert _keys(built) == _keys(sent)
    failed = wa.status(wa.new_wamid(), "failed", "16505551234")
    [error] = failed["errors"]
    assert error["code"] == 131049 and {"title", "message", "error_data", "href"} <= set(error)


def test_what_is_posted_is_what_is_signed(receiver):
    url, got = receiver
    fake = wa.WhatsAppFake(url, SECRET)
    wamid, r = fake.inbound_text("5531988887777", "Olá, ação!", name="João")
    assert r.status_code == 200
    raw, headers = got[-1]
    assert headers["x-hub-signature-256"] == wa.sign(raw, SECRET)
    assert headers["content-type"] == "application/json"
    assert b"\\u00e7" in raw and "ç".encode() not in raw  # escaped like Meta
    assert json.loads(raw)["entry"][0]["changes"][0]["value"]["messages"][0]["id"] == wamid
    fake.statuses(wamid, "5531988887777", "read", "sent")
    assert [json.loads(b)["entry"][0]["changes"][0]["value"]["statuses"][0]["status"] for b, _ in got[-2:]] == [
        "read", "sent"]


def test_it_runs_as_a_process_driven_over_http(receiver):
    url, got = receiver
    proc = subprocess.Popen([sys.executable, "-m", "fakes.whatsapp", "--port", "0", "--target", url,
                             "--app-secret", SECRET, "--waba-id", "111111111111111"],
                            cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            start_new_session=True)
    try:
        line = proc.stdout.readline()
        base = re.search(r"listening on (http://\S+)", line).group(1)
        r = httpx.post(f"{base}/_fake/inbound", json={"wa_id": "5531988887777", "text": "oi", "referral": True},
                       timeout=10)
        assert r.status_code == 200 and r.json()["status"] == 200
        raw, headers = got[-1]
        assert headers["x-hub-signature-256"] == wa.sign(raw, SECRET)
        body = json.loads(raw)
        assert body["entry"][0]["id"] == "111111111111111"
        assert body["entry"][0]["changes"][0]["value"]["messages"][0]["referral"]["ctwa_clid"].startswith("Aff-")
        r = httpx.post(f"{base}/_fake/statuses", json={"wamid": r.json()["wamid"], "recipient_id": "5531988887777",
                                                       "statuses": ["failed"]}, timeout=10)
        assert [p["status"] for p in r.json()["posts"]] == [200]
        assert len(httpx.get(f"{base}/_fake/sent", timeout=10).json()["sent"]) == 2
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)
