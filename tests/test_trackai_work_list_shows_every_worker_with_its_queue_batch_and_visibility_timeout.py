"""`trackai work --list` prints one row per worker: its queue, its loop, its batch and visibility timeout as
in effect, and where each comes from (fixed in jobs/registry.py, or the setting that overrides it)."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from jobs.base import Setting
from jobs.registry import WORKERS
from trackai.cli import app

# what each worker took before the one worker model, unchanged: queue, loop, batch, visibility timeout
DEFAULTS = {
    "audiences": ("audiences", "sync", 1, 300),
    "dispatch": ("dispatch", "sync", 1000, 60),
    "ingest": ("ingest", "sync", 200, 10),
    "insights": ("insights", "sync", 10, 300),
    "mercadopago": ("mercadopago", "sync", 20, 30),
    "notify": ("notify", "sync", 20, 60),
    "setup": ("setup", "async", 8, 300),
}
# the settings that override them: (batch, visibility timeout)
OVERRIDES = {"dispatch": (None, "DISPATCH_VT_S"), "ingest": (None, "INGEST_VT_S"),
             "setup": ("SETUP_CONCURRENCY", "SETUP_VT_S")}
CLEAN = {"DATABASE_URL": None, **{env: None for pair in OVERRIDES.values() for env in pair if env}}


def table(env: dict) -> dict[str, list[str]]:
    result = CliRunner().invoke(app, ["work", "--list"], env=env)
    assert result.exit_code == 0, result.output
    header, *lines = (re.split(r"\s{2,}", line.strip()) for line in result.stdout.strip().splitlines())
    assert header == ["worker", "queue", "loop", "batch", "from", "visibility timeout (s)", "from"], header
    return {line[0]: line[1:] for line in lines}


def origin(env: str | None, default: int) -> str:
    return f"{env} (default {default})" if env else "fixed"


def test_every_worker_is_listed_with_its_defaults_and_where_they_come_from():
    listed = table(CLEAN)
    assert set(listed) == set(WORKERS) == set(DEFAULTS)
    for name, (queue, loop, batch, vt_s) in DEFAULTS.items():
        batch_env, vt_env = OVERRIDES.get(name, (None, None))
        assert listed[name] == [queue, loop, str(batch), origin(batch_env, batch), str(vt_s), origin(vt_env, vt_s)]


def test_a_setting_overrides_the_number_it_names():
    listed = table({**CLEAN, "DISPATCH_VT_S": "7", "INGEST_VT_S": "11", "SETUP_VT_S": "13", "SETUP_CONCURRENCY": "3"})
    assert listed["dispatch"][2:] == ["1000", "fixed", "7", "DISPATCH_VT_S (default 60)"]
    assert listed["ingest"][2:] == ["200", "fixed", "11", "INGEST_VT_S (default 10)"]
    assert listed["setup"][2:] == ["3", "SETUP_CONCURRENCY (default 8)", "13", "SETUP_VT_S (default 300)"]
    # no worker names a setting this test does not know
    named = {n.env for spec in WORKERS.values() for n in (spec.batch, spec.vt_s) if isinstance(n, Setting)}
    assert named == {env for pair in OVERRIDES.values() for env in pair if env}
