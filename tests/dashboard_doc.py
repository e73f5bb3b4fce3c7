"""What docs/dashboard.md says the dashboard may use: the exposed schemas (config.toml), the tables and
views of its surface table, its functions, and the Realtime tables with their columns."""

from __future__ import annotations

import re
import tomllib

from core.settings import REPO_ROOT

DOC = REPO_ROOT / "docs" / "dashboard.md"
NAME = r"`([a-z_]+\.[a-z_]+)"


def exposed_schemas() -> list[str]:
    return tomllib.loads((REPO_ROOT / "supabase" / "config.toml").read_text())["api"]["schemas"]


def section(title: str) -> str:
    text = DOC.read_text()
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end >= 0 else len(text)]


def relations() -> dict[str, str]:
    """relation -> kind column ('table', 'view, invoker', 'view, owner rights')."""
    return {m[0]: m[1].strip() for m in re.findall(NAME + r"` \| ([^|]+)\|", section("Tables and views"))}


def functions() -> set[str]:
    """The RPC table's first column and the read-only helpers' paragraph."""
    text = section("RPCs")
    rpcs = set(re.findall(r"^\| " + NAME + r"\(", text, re.M))
    helpers = text[text.index("Read-only helpers"):]
    return rpcs | set(re.findall(NAME + "`", helpers.split("\n\n")[0]))


def realtime_columns() -> dict[str, list[str]]:
    out = {}
    for table, body in re.findall(r"\n### " + NAME + r"`\n(.*?)(?=\n### |\Z)", section("Realtime"), re.S):
        line = next(x for x in body.splitlines() if x.startswith("- columns:"))
        out[table] = re.findall(r"`([a-z_]+)`", line)
    return out
