"""Every pgmq function the project calls, from SQL (migrations and the functions they leave) and from Python,
exists in pgmq 1.4.4 (hosted Supabase's) with that number of arguments. Argument types inside plpgsql bodies
are checked by plpgsql_check (test_supabase_db_lint_reports_nothing_at_warning_level)."""

from __future__ import annotations

import re

from core.settings import REPO_ROOT

CALL = re.compile(r"\bpgmq\s*\.\s*\"?([a-z_]+)\"?\s*\(", re.I)
SOURCES = ["supabase/migrations/*.sql", "supabase/seed.sql", "sql/*.sql", "service/**/*.py", "jobs/**/*.py",
           "trackai/**/*.py", "bench/*.py"]


def arg_count(text: str, open_paren: int) -> int:
    """Top-level arguments of the call whose '(' is at open_paren."""
    depth, args, i, quote = 0, 0, open_paren, None
    while i < len(text):
        c = text[i]
        if quote:
            quote = None if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                inner = text[open_paren + 1:i].strip()
                return args + 1 if inner else 0
        elif c == "," and depth == 1:
            args += 1
        i += 1
    raise AssertionError(f"unclosed call at {text[open_paren - 20:open_paren + 40]!r}")


def calls() -> set[tuple[str, int, str]]:
    found = set()
    for pattern in SOURCES:
        for path in sorted(REPO_ROOT.glob(pattern)):
            text = path.read_text(encoding="utf-8")
            for m in CALL.finditer(text):
                found.add((m.group(1).lower(), arg_count(text, m.end() - 1), path.relative_to(REPO_ROOT).as_posix()))
    return found


def current_bodies(conn) -> set[tuple[str, int, str]]:
    """The same, over the bodies of the project's functions as the migrations leave them."""
    found = set()
    for name, src in conn.execute(
            "select p.oid::regprocedure::text, p.prosrc from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
            " where n.nspname not in ('pgmq', 'pg_catalog', 'information_schema', 'extensions', 'cron', 'tests')"
            " and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')"):
        for m in CALL.finditer(src):
            found.add((m.group(1).lower(), arg_count(src, m.end() - 1), name))
    return found


def test_every_pgmq_function_called_exists_in_1_4_4_with_that_arity(conn):
    assert conn.execute("select extversion from pg_extension where extname = 'pgmq'").fetchone() == ("1.4.4",)
    offered: dict[str, list[tuple[int, int]]] = {}
    for name, nargs, ndefaults in conn.execute(
            "select p.proname, p.pronargs, p.pronargdefaults from pg_proc p"
            " join pg_depend d on d.objid = p.oid and d.deptype = 'e'"
            " join pg_extension e on e.oid = d.refobjid and e.extname = 'pgmq'"):
        offered.setdefault(name, []).append((nargs - ndefaults, nargs))

    used = calls() | current_bodies(conn)
    assert {name for name, _, _ in used} >= {"send", "send_batch", "read", "delete", "create"}  # the scan works
    missing = sorted(f"{where}: pgmq.{name} with {n} argument(s)" for name, n, where in used
                     if not any(lo <= n <= hi for lo, hi in offered.get(name, [])))
    assert missing == [], "not in pgmq 1.4.4:\n" + "\n".join(missing)


def test_the_scan_would_catch_a_function_pgmq_1_4_4_lacks(conn):
    text = "select pgmq.enable_notify_insert('dispatch', 100); select pgmq.set_vt('q', 1, 30, 'extra');"
    names = [(m.group(1), arg_count(text, m.end() - 1)) for m in CALL.finditer(text)]
    assert names == [("enable_notify_insert", 2), ("set_vt", 4)]
    assert conn.execute("select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
                        " where n.nspname = 'pgmq' and p.proname = 'enable_notify_insert'").fetchone() == (0,)
