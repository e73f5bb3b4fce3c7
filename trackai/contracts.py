"""The dashboard's generated contracts, committed and kept current by tests:

- `supabase/types/database.types.ts`: the `Database` type of supabase-js, written by Supabase's own
  generator (`supabase gen types typescript` is postgres-meta, pinned in package.json and run here with
  node, no Docker) from a database built from the migrations, for the schemas `supabase/config.toml`
  exposes (`[api].schemas`);
- `openapi.json`: the API's OpenAPI document (FastAPI's, every route with its response models);
- `examples/dashboard/lib/trackai-api.ts`: that document as TypeScript (openapi-typescript, pinned), which the
  example dashboard client uses, type-checked against both (`type_check`).

`trackai gen types` and `trackai gen openapi` (`make types`, `make openapi`) rewrite them.
"""

from __future__ import annotations

import json
import os
import subprocess
import tomllib
from pathlib import Path

import typer

from core.settings import REPO_ROOT, load
from trackai.schema_files import scratch_database

CONFIG = REPO_ROOT / "supabase" / "config.toml"
TYPES_FILE = REPO_ROOT / "supabase" / "types" / "database.types.ts"
OPENAPI_FILE = REPO_ROOT / "openapi.json"
EXAMPLE_DIR = REPO_ROOT / "examples" / "dashboard"
HTTP_TYPES_FILE = EXAMPLE_DIR / "lib" / "trackai-api.ts"
NODE_BIN = REPO_ROOT / "node_modules" / ".bin"
POSTGRES_META = REPO_ROOT / "node_modules" / "@supabase" / "postgres-meta" / "dist" / "server" / "server.js"

cli = typer.Typer(no_args_is_help=True, help="Regenerate the dashboard's committed contracts.")


class ContractError(RuntimeError):
    pass


def api_schemas(config: Path = CONFIG) -> list[str]:
    """The schemas PostgREST serves, as config.toml lists them."""
    return tomllib.loads(config.read_text())["api"]["schemas"]


def _tool(path: Path) -> str:
    if not path.exists():
        raise ContractError(f"{path} is missing: run `make install` (npm ci installs the pinned tools)")
    return str(path)


def _output(args: list[str], env: dict | None = None) -> str:
    res = subprocess.run(args, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, **(env or {})})
    if res.returncode != 0:
        raise ContractError(f"{' '.join(args)} failed:\n{res.stderr[-2000:]}")
    return res.stdout


def database_types(dsn: str) -> str:
    """`supabase gen types typescript`, as the CLI runs postgres-meta, against the database at dsn."""
    return _output(["node", _tool(POSTGRES_META)], {
        "PG_META_DB_URL": dsn,
        "PG_META_GENERATE_TYPES": "typescript",
        "PG_META_GENERATE_TYPES_INCLUDED_SCHEMAS": ",".join(api_schemas()),
        "PG_META_GENERATE_TYPES_DETECT_ONE_TO_ONE_RELATIONSHIPS": "true",
    })


def openapi_document() -> str:
    """The API's OpenAPI document as committed (no database needed: the app only connects on startup)."""
    from service.app import create_app  # here: the CLI's other commands need not import FastAPI

    return json.dumps(create_app(load()).openapi(), indent=2, ensure_ascii=False) + "\n"


def http_client_types(openapi_file: Path = OPENAPI_FILE) -> str:
    """openapi-typescript's `paths` / `components` types for the document."""
    return _output([_tool(NODE_BIN / "openapi-typescript"), str(openapi_file)])


def type_check(project: Path = EXAMPLE_DIR) -> subprocess.CompletedProcess:
    """`tsc --noEmit` (typescript, pinned) over a TypeScript project: returncode 0 when it type-checks."""
    return subprocess.run([_tool(NODE_BIN / "tsc"), "--noEmit", "-p", str(project)], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=300)


@cli.command("types")
def gen_types() -> None:
    """supabase/types/database.types.ts, from a database migrated on the local cluster."""
    with scratch_database("types") as dsn:
        text = database_types(dsn)
    TYPES_FILE.parent.mkdir(parents=True, exist_ok=True)
    TYPES_FILE.write_text(text)
    typer.echo(f"wrote {TYPES_FILE.relative_to(REPO_ROOT)} (schemas: {', '.join(api_schemas())})")


@cli.command("openapi")
def gen_openapi() -> None:
    """openapi.json, then the example dashboard's HTTP client types from it."""
    OPENAPI_FILE.write_text(openapi_document())
    HTTP_TYPES_FILE.parent.mkdir(parents=True, exist_ok=True)
    HTTP_TYPES_FILE.write_text(http_client_types())
    typer.echo(f"wrote {OPENAPI_FILE.relative_to(REPO_ROOT)} and {HTTP_TYPES_FILE.relative_to(REPO_ROOT)}")
