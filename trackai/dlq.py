"""Dead letters from the command line: `trackai dlq replay` re-queues them (delivery.replay_dead).

Runs with the database owner's rights, so it may replay every company at once; each company touched
gets its own delivery.replays row (actor `cli:<os user>`, the filter, the count).
"""

from __future__ import annotations

import getpass
import json
from datetime import datetime
from typing import Annotated

import psycopg
import typer

from core.settings import load

cli = typer.Typer(no_args_is_help=True, help="Dead letters: events Meta will not take without a human.")


def replay(conn: psycopg.Connection, company: str | None = None, error_code: int | None = None,
           since: datetime | None = None, until: datetime | None = None,
           event_ids: list[str] | None = None, actor: str | None = None) -> list[dict]:
    """Re-queue matching dead letters; one entry per company touched."""
    company_id = resolve_company(conn, company) if company else None
    rows = conn.execute(
        "select company_id::text, replay_id, replayed"
        " from delivery.replay_dead(%s, %s::text[], %s, %s, %s, null, %s)",
        (company_id, event_ids or None, since, until, error_code, actor or f"cli:{_os_user()}")).fetchall()
    return [{"company_id": c, "replay_id": r, "replayed": n} for c, r, n in rows]


def resolve_company(conn: psycopg.Connection, ref: str) -> str:
    row = conn.execute("select id::text from app.companies where id::text = %s or slug = %s",
                       (ref, ref)).fetchone()
    if row is None:
        raise typer.BadParameter(f"no company with id or slug {ref!r}", param_hint="--company")
    return row[0]


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@cli.command("replay")
def replay_command(
    company: Annotated[str | None, typer.Option(help="Company id or slug (default: every company).")] = None,
    error_code: Annotated[int | None, typer.Option(help="Only letters Meta refused with this code.")] = None,
    since: Annotated[datetime | None, typer.Option(help="Only letters dead since then.")] = None,
    until: Annotated[datetime | None, typer.Option(help="Only letters that died before this time.")] = None,
    event_id: Annotated[list[str] | None, typer.Option(help="Only these Meta event_ids.")] = None,
) -> None:
    """Put dead-lettered events back on the dispatch queue (attempts start over); logs each replay."""
    with psycopg.connect(load().dsn, autocommit=True) as conn:
        result = replay(conn, company, error_code, since, until, event_id)
    typer.echo(json.dumps({"replayed": sum(r["replayed"] for r in result), "replays": result}, indent=2))
