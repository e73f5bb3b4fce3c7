"""`trackai`: the console entry point (database, API, workers, status, sandbox run)."""

from __future__ import annotations

import json
import sys

import psycopg
import typer

from core import migrate
from core.settings import LOCAL_PORT, Settings, load
from trackai import contracts, dlq, localdb, revenue, secret_rotation
from trackai import db as dbops

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Track AI backend.")
db_app = typer.Typer(no_args_is_help=True, help="The database: start, migrate, reset.")
app.add_typer(db_app, name="db")
app.add_typer(dlq.cli, name="dlq")
app.add_typer(secret_rotation.cli, name="secrets")
app.add_typer(contracts.cli, name="gen")
app.add_typer(revenue.cli, name="revenue")


def _fail(message: str) -> None:
    typer.secho(f"error: {message}", fg="red", err=True)
    raise typer.Exit(1)


@db_app.command("up")
def db_up(seed: bool = typer.Option(None, "--seed/--no-seed", show_default=False,
                                    help="Load supabase/seed.sql (demo data) after migrating. Default: locally "
                                    "yes; with DATABASE_URL no.")) -> None:
    """Start the local cluster (unless DATABASE_URL is set), apply migrations and, locally, the demo seed."""
    settings = load()
    try:
        applied = dbops.up(settings, with_seed=settings.is_local if seed is None else seed)
    except (localdb.LocalDbError, migrate.MigrationError) as exc:
        _fail(str(exc))
    typer.echo(f"database ready; applied {len(applied)} migration(s)" + "".join(f"\n  {a}" for a in applied))


@db_app.command("migrate")
def db_migrate() -> None:
    """Apply pending migrations only."""
    settings = load()
    try:
        if settings.is_local:
            localdb.up(settings)
            dbops.prepare_local_database(settings.dsn)
        applied = migrate.migrate(settings.dsn)
    except (localdb.LocalDbError, migrate.MigrationError) as exc:
        _fail(str(exc))
    typer.echo(f"applied {len(applied)} migration(s)" + "".join(f"\n  {a}" for a in applied))


@db_app.command("reset")
def db_reset() -> None:
    """Drop everything in the local database and rebuild it from the migrations and seed."""
    try:
        applied = dbops.reset(load())
    except (RuntimeError, migrate.MigrationError) as exc:
        _fail(str(exc))
    typer.echo(f"database reset; applied {len(applied)} migration(s)")


@db_app.command("new-migration")
def db_new_migration(name: str = typer.Argument(..., help="What changed: lower case, digits and _.")) -> None:
    """Write the next migration from the changed files in supabase/schemas/ (`make migration name=...`)."""
    from trackai import schema_files

    try:
        path = schema_files.new_migration(name)
    except (schema_files.SchemaError, migrate.MigrationError, localdb.LocalDbError) as exc:
        _fail(str(exc))
    if path is None:
        typer.echo("nothing changed: the migrations already match supabase/schemas/")
        return
    typer.echo(f"wrote {path.relative_to(schema_files.REPO_ROOT)}")
    typer.echo(path.read_text())


@db_app.command("down")
def db_down() -> None:
    """Stop the local cluster (data is kept)."""
    localdb.down(load())
    typer.echo("local database stopped")


@app.command()
def serve(host: str = typer.Option(None), port: int = typer.Option(None),
          workers: int = typer.Option(1, help="Processes; each holds its own connection pool.")) -> None:
    """Run the HTTP API."""
    import uvicorn

    settings = load()
    uvicorn.run("service.app:create_app", factory=True, host=host or settings.api_host,
                port=port or settings.api_port, log_level="warning", access_log=False, workers=workers,
                **proxy_options(settings))


def proxy_options(settings: Settings) -> dict:
    """uvicorn believes X-Forwarded-For from the proxies TRUSTED_PROXIES names and from no one else (its own
    default is 127.0.0.1, or FORWARDED_ALLOW_IPS)."""
    trusted = ",".join(str(network) for network in settings.trusted_proxies)
    return {"proxy_headers": bool(trusted), "forwarded_allow_ips": trusted}


@app.command()
def work(
    queue: str | None = typer.Argument(None, help="Which worker to run."),
    list_workers: bool = typer.Option(False, "--list", help="Show every worker: queue, batch, visibility timeout."),
) -> None:
    """Run one worker loop (any number may run at once)."""
    from jobs.registry import WORKERS

    if list_workers:
        settings = load()
        typer.echo(_worker_table([spec.describe(settings) for spec in WORKERS.values()]))
        return
    if queue not in WORKERS:
        what = f"unknown worker {queue!r}" if queue else "name a worker to run (or --list)"
        _fail(f"{what}; known: {', '.join(sorted(WORKERS)) or 'none'}")
    from core import logs, sentry

    settings = load()
    logs.configure()
    sentry.init(settings, f"worker-{queue}")
    WORKERS[queue].run(settings)


def _worker_table(rows: list[dict]) -> str:
    """The workers as a text table: the values in effect, and where each comes from (fixed, or the setting)."""
    columns = [("worker", "worker"), ("queue", "queue"), ("loop", "loop"), ("batch", "batch"),
               ("batch_from", "from"), ("vt_s", "visibility timeout (s)"), ("vt_s_from", "from")]
    cells = [[title for _, title in columns]] + [[str(row[key]) for key, _ in columns] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    numeric = {i for i, (key, _) in enumerate(columns) if key in ("batch", "vt_s")}
    return "\n".join("  ".join(cell.rjust(w) if i in numeric else cell.ljust(w)
                               for i, (cell, w) in enumerate(zip(line, widths, strict=True))).rstrip()
                     for line in cells)


@app.command()
def mcp() -> None:
    """Serve the setup troubleshooting tools to an LLM agent over MCP (stdio)."""
    from trackai import mcp_server

    mcp_server.serve()


@app.command()
def status() -> None:
    """Database, migrations and queue depths, as JSON."""
    settings = load()
    out: dict = {"database_url": "DATABASE_URL" if settings.database_url else f"local:{LOCAL_PORT}"}
    try:
        with psycopg.connect(settings.dsn, connect_timeout=3) as conn:
            out["pending_migrations"] = [m.path.name for m in migrate.pending(conn)]
            out["queues"] = {
                name: {"depth": depth, "oldest_age_s": age}
                for name, depth, age in conn.execute(
                    "select queue_name, queue_length, oldest_msg_age_sec from pgmq.metrics_all()")
            }
    except (psycopg.Error, migrate.MigrationError) as exc:
        out["error"] = str(exc).strip().splitlines()[0]
        typer.echo(json.dumps(out, indent=2, default=str))
        raise typer.Exit(1) from None
    typer.echo(json.dumps(out, indent=2, default=str))


@app.command()
def replay(
    inbound: int = typer.Option(None, "--inbound", help="One inbound request id."),
    company: str = typer.Option(None, "--company", help="Only this company's requests."),
    invalid: bool = typer.Option(False, "--invalid", help="The requests of events Meta would refuse, judged again."),
) -> None:
    """Re-process inbound requests after a fix: the failed ones, or with --invalid those whose events broke a
    Meta rule (tracking.replay_inbound / replay_failed / replay_invalid)."""
    with psycopg.connect(load().dsn, autocommit=True) as conn:
        if inbound is not None:
            rows = [(inbound, conn.execute("select tracking.replay_inbound(%s)", (inbound,)).fetchone()[0])]
        else:
            which = "replay_invalid" if invalid else "replay_failed"
            rows = conn.execute(f"select inbound_id, outcome from tracking.{which}(%s)", (company,)).fetchall()
    for inbound_id, outcome in rows:
        typer.echo(f"inbound {inbound_id}: {outcome}")
    typer.echo(f"{len(rows)} replayed")


@app.command()
def run(sandbox_on_hosted: bool = typer.Option(
        False, "--sandbox-on-hosted", envvar="TRACKAI_SANDBOX_ON_HOSTED",
        help="With DATABASE_URL: run the sandbox journey there too (it writes demo data; throwaway projects only).",
)) -> None:
    """Local: everything up and the sandbox journey. With DATABASE_URL: checks, then the API and workers only."""
    from trackai import sandbox

    settings = load()
    try:
        if settings.is_local or sandbox_on_hosted:
            sys.exit(sandbox.main(settings, allow_hosted=sandbox_on_hosted))
        typer.echo(f"[sandbox] {sandbox.refusal(settings)}")
        sys.exit(_run_hosted(settings))
    except (localdb.LocalDbError, migrate.MigrationError, RuntimeError) as exc:
        _fail(str(exc))


def _run_hosted(settings) -> int:
    """DATABASE_URL without the sandbox: change nothing in the database; if `doctor` passes, start the API
    and every worker against it (real providers: no fakes), as `make run` does locally."""
    from jobs.registry import WORKERS
    from trackai import doctor, processes
    from trackai.sandbox import wait_http

    if not settings.secret_key:
        raise RuntimeError("TRACKAI_SECRET_KEY is required with DATABASE_URL (make one: trackai secrets new-key)")
    results = doctor.run(settings.dsn)
    for line in doctor.render(results).splitlines():
        typer.echo(f"[doctor] {line}")
    if doctor.failed(results):
        raise RuntimeError("the database is not ready (the FAIL lines above say what to do); nothing was started")
    processes.start(settings, "api", ["-m", "trackai.cli", "serve"])
    for name in sorted(WORKERS):
        processes.start(settings, f"worker-{name}", ["-m", "trackai.cli", "work", name])
    base = f"http://{settings.api_host}:{settings.api_port}"
    health = wait_http(f"{base}/health", expect_ok=False, token=settings.metrics_token)
    down = health.get("down") or ["set METRICS_TOKEN to see which part"]
    typer.echo(f"[api] {base} " + (f"degraded: {', '.join(down)} (GET /health says why)"
                                   if health.get("status") != "ok" else "healthy"))
    typer.echo(f"[workers] running: {', '.join(sorted(WORKERS))}")
    typer.echo(f"[logs] {settings.local_dir / 'logs'}; stop everything with `make stop`")
    return 0


@app.command()
def doctor(
    db_url: str = typer.Option(None, "--db-url", help="The database to check (default: DATABASE_URL, else local)."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """Check a database for Track AI: connection, extensions, roles, schemas, pending migrations."""
    from trackai import doctor as checks

    results = checks.run(db_url or load().dsn)
    typer.echo(checks.render(results, as_json=as_json))
    if checks.failed(results):
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
