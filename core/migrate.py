"""Migration runner that agrees with the Supabase CLI both ways (the CLI is the deploy tool).

Applies `supabase/migrations/YYYYMMDDHHMMSS_name.sql` in order, each in its own transaction, and
records it in `supabase_migrations.schema_migrations` as `supabase db push` does: version, name, and
the file's statements split on `;` and trimmed. So the CLI sees what this runner applied as applied,
and this runner sees what the CLI applied as applied. A landed migration whose text changed is
refused: the recorded statements and the file are compared with whitespace and `;` removed, which is
all the CLI's splitting takes away. What this adds to `supabase db push`: one statement at a time, so
an error names the file and line, and a local cluster it can start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import psycopg

from core.settings import REPO_ROOT

MIGRATIONS_DIR = REPO_ROOT / "supabase" / "migrations"
NAME_RE = re.compile(r"^(\d{14})_([a-z0-9_]+)\.sql$")
LOCK_KEY = 7_316_228_001  # advisory lock: one runner at a time per database

BOOKKEEPING = """
create schema if not exists supabase_migrations;
create table if not exists supabase_migrations.schema_migrations (
    version text primary key,
    statements text[],
    name text
);
"""


class MigrationError(RuntimeError):
    pass


@dataclass(frozen=True)
class Migration:
    version: str
    name: str
    path: Path

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    found = []
    for path in sorted(directory.glob("*.sql")):
        m = NAME_RE.match(path.name)
        if not m:
            raise MigrationError(f"{path.name}: migration files must be named YYYYMMDDHHMMSS_name.sql")
        found.append(Migration(m.group(1), m.group(2), path))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError("two migration files share one version timestamp")
    return found


def _line_of(text: str, position: int | None) -> int | None:
    if not position:
        return None
    return text.count("\n", 0, position - 1) + 1


_WORD = re.compile(r"[A-Za-z_\u0080-\U0010ffff][A-Za-z0-9_$\u0080-\U0010ffff]*")
_DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z_\u0080-\U0010ffff][A-Za-z0-9_\u0080-\U0010ffff]*)?\$")


def split_statements(text: str) -> list[tuple[int, int, str]]:
    """Top-level statements as psql splits a file: (chunk offset, offset of its first token, chunk).

    Chunks are contiguous (joined they give the text back, minus trailing blanks/comments), so a
    server error position inside a chunk maps to a line of the file. Knows quotes, E'' strings,
    dollar quotes, nested comments, parentheses and psql's BEGIN ATOMIC heuristic.
    """
    out: list[tuple[int, int, str]] = []
    n = len(text)
    start = i = 0
    first: int | None = None
    words: list[str] = []
    paren = begin_depth = 0
    escape_next = False
    while i < n:
        c = text[i]
        if text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
            continue
        if text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
            continue
        if c.isspace():
            i += 1
            continue
        if first is None:
            first = i
        if c == "'":
            escapes, escape_next, i = escape_next, False, i + 1
            while i < n:
                if (escapes and text[i] == "\\") or text.startswith("''", i):
                    i += 2
                elif text[i] == "'":
                    i += 1
                    break
                else:
                    i += 1
            continue
        escape_next = False
        if c == '"':
            i += 1
            while i < n:
                if text.startswith('""', i):
                    i += 2
                elif text[i] == '"':
                    i += 1
                    break
                else:
                    i += 1
            continue
        if c == "$" and (m := _DOLLAR_TAG.match(text, i)):
            end = text.find(m.group(0), m.end())
            i = n if end < 0 else end + len(m.group(0))
            continue
        if m := _WORD.match(text, i):
            word = m.group(0).lower()
            i = m.end()
            escape_next = word == "e" and text.startswith("'", i)
            words.append(word)
            head = [w for w in words[:4] if w not in ("or", "replace")]
            if paren == 0 and head[:1] == ["create"] and head[1:2] in (["function"], ["procedure"]):
                if word == "begin" or (word == "case" and begin_depth):
                    begin_depth += 1
                elif word == "end" and begin_depth:
                    begin_depth -= 1
            continue
        if c == "(":
            paren += 1
        elif c == ")":
            paren = max(paren - 1, 0)
        elif c == ";" and paren == 0 and begin_depth == 0:
            out.append((start, first, text[start:i + 1]))
            start, first, words = i + 1, None, []
        i += 1
    if first is not None:
        out.append((start, first, text[start:]))
    return out


def recorded_statements(text: str) -> list[str]:
    """The file's statements as `supabase db push` records them: split on `;`, trimmed, the `;` dropped,
    and whatever follows the last `;` (a trailing comment) kept as one more."""
    chunks = split_statements(text)
    out = [chunk.strip().removesuffix(";").rstrip() for _, _, chunk in chunks]
    tail = text[sum(len(chunk) for _, _, chunk in chunks):].strip()
    if tail:
        out.append(tail)
    return out


_IGNORED = re.compile(r"[\s;]+")


def _same_text(recorded: list[str] | None, text: str) -> bool:
    return _IGNORED.sub("", "".join(recorded or [])) == _IGNORED.sub("", text)


def pending(conn: psycopg.Connection, directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Migrations not yet applied; raises if an applied one was edited afterwards."""
    conn.execute(BOOKKEEPING)
    applied = dict(conn.execute("select version, statements from supabase_migrations.schema_migrations"))
    todo = []
    for mig in discover(directory):
        if mig.version not in applied:
            todo.append(mig)
        elif not _same_text(applied[mig.version], mig.text):
            raise MigrationError(
                f"{mig.path.name} was changed after it was applied; landed migrations are never edited: "
                "add a new migration instead (a local cluster: `trackai db reset` rebuilds it)"
            )
    return todo


def migrate(dsn: str, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply pending migrations; returns the file names applied (empty when current)."""
    done = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("select pg_advisory_lock(%s)", (LOCK_KEY,))
        try:
            for mig in pending(conn, directory):
                text = mig.text
                # one statement at a time, so a runtime error (which carries no position) still
                # names the line of the statement that raised it
                failing: tuple[int, int, str] | None = None
                try:
                    with conn.transaction():
                        for failing in split_statements(text):
                            conn.execute(failing[2])  # no parameters: simple protocol
                        failing = None
                        conn.execute(
                            "insert into supabase_migrations.schema_migrations (version, statements, name)"
                            " values (%s, %s, %s)",
                            (mig.version, recorded_statements(text), mig.name),
                        )
                except psycopg.Error as exc:
                    line = None
                    if failing is not None:
                        chunk_at, token_at, _ = failing
                        position = int(exc.diag.statement_position or 0)
                        line = _line_of(text, chunk_at + position if position else token_at + 1)
                    where = f"{mig.path.name}, line {line}" if line else mig.path.name
                    first = (exc.diag.message_primary or str(exc)).strip()
                    raise MigrationError(f"{where}: {first} (nothing from this file was applied)") from exc
                done.append(mig.path.name)
        finally:
            conn.execute("select pg_advisory_unlock(%s)", (LOCK_KEY,))
    return done
