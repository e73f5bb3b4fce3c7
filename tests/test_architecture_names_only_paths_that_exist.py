"""docs/ARCHITECTURE.md names exact files: every repository path it quotes exists, so its "one place to look"
table cannot point at a body that has moved."""

from __future__ import annotations

import re

from core.settings import REPO_ROOT

DOC = REPO_ROOT / "docs" / "ARCHITECTURE.md"
TOP = ("service/", "jobs/", "core/", "trackai/", "fakes/", "supabase/", "tests/", "bench/", "docs/", "sql/")
QUOTED = re.compile(r"`([^`\s]+)`")


def quoted_paths(text: str) -> list[str]:
    return [q for q in QUOTED.findall(text) if q.startswith(TOP)]


def test_every_path_quoted_in_architecture_exists():
    paths = quoted_paths(DOC.read_text())
    assert len(paths) >= 20
    # a `<placeholder>` or a glob is a pattern, not a path: it must match something
    missing = [p for p in paths if not (any(REPO_ROOT.glob(p)) if "*" in p else (REPO_ROOT / p).exists())
               and "<" not in p]
    assert missing == []


def test_the_bodies_a_reviewer_asks_for_first_are_named():
    text = DOC.read_text()
    for body in ("supabase/schemas/tracking/process_inbound_batch.sql", "supabase/schemas/delivery/record_attempt.sql",
                 "supabase/schemas/setup/advance.sql"):
        assert f"`{body}`" in text


def test_the_check_would_catch_a_stale_path():
    assert quoted_paths("see `supabase/schemas/tracking/no_such_function.sql`") == [
        "supabase/schemas/tracking/no_such_function.sql"]
    assert not (REPO_ROOT / "supabase/schemas/tracking/no_such_function.sql").exists()
