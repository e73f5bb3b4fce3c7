"""The real Supabase CLI, pinned in package.json (`make install` runs `npm ci`), run against a test database."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from core.settings import REPO_ROOT

CLI = REPO_ROOT / "node_modules" / ".bin" / "supabase"


def run(home: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """`supabase <args>` from the repo root; HOME elsewhere, as the CLI writes ~/.supabase."""
    assert CLI.exists(), f"{CLI} is missing: run `make install` (npm ci installs the pinned Supabase CLI)"
    res = subprocess.run([str(CLI), *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout,
                         env={"HOME": str(home), "PATH": "/usr/bin:/bin", "DO_NOT_TRACK": "1"})
    assert res.returncode == 0, f"supabase {' '.join(args)} failed:\n{res.stdout}\n{res.stderr}"
    return res


def url(dsn: str) -> str:
    """The test cluster has no TLS; the CLI insists on it for any port but config.toml's (54322)."""
    return f"{dsn}{'&' if '?' in dsn else '?'}sslmode=disable"


def migration_list(home: Path, dsn: str) -> list[dict]:
    """Every version as the CLI sees it: {"local": ..., "remote": ..., "time": ...}."""
    out = run(home, "migration", "list", "--db-url", url(dsn), "--output-format", "json").stdout
    return json.loads(out)["migrations"]


def push(home: Path, dsn: str) -> str:
    res = run(home, "db", "push", "--db-url", url(dsn), "--yes")
    return res.stdout + res.stderr
