"""Revenue repairs from the command line: `trackai revenue rebuild --company` recomputes one company's
attribution from scratch (revenue.refresh_attribution). Attribution is kept current by triggers as sales
and touches are recorded; this is for after a fix, a data correction or a new attribution model."""

from __future__ import annotations

import time
from typing import Annotated

import psycopg
import typer

from core.settings import load
from trackai.dlq import resolve_company

cli = typer.Typer(no_args_is_help=True, help="Revenue: attribution repairs.")


@cli.command("rebuild")
def rebuild(company: Annotated[str, typer.Option("--company", help="The company's id or slug.")]) -> None:
    """Recompute every attribution row of one company (all purchases, every model)."""
    with psycopg.connect(load().dsn, autocommit=True) as conn:
        company_id = resolve_company(conn, company)
        started = time.monotonic()
        rows = conn.execute("select revenue.refresh_attribution(%s)", (company_id,)).fetchone()[0]
    typer.echo(f"company {company_id}: {rows} attribution rows in {time.monotonic() - started:.2f} s")
