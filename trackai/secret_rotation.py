"""`trackai secrets new-key` and `trackai secrets rotate`: AES-GCM key rotation for app.secrets.

Rotation: put a new key first in TRACKAI_SECRET_KEY (`new-key,old-key`), run `rotate` (every row whose
key_id is not the active key is decrypted with its own key and re-encrypted with the active one, one
transaction per row), then drop the old key. Re-wrapping a CAPI token is not a new token: it runs
with trackai.secret_rotation = on, so the resume-on-new-token trigger stays quiet. Nothing here prints
or logs a secret.
"""

from __future__ import annotations

import time

import psycopg
import typer

from core.secrets import Keyring, SecretError, new_key
from core.settings import load

cli = typer.Typer(no_args_is_help=True, help="Encryption keys of the provider secrets.")


def rotate(conn: psycopg.Connection, keyring: Keyring) -> tuple[int, int, list[str]]:
    """Re-encrypt every row not under the active key. Returns (rotated, already current, failures)."""
    active = (keyring.active,)
    current = conn.execute("select count(*) from app.secrets where key_id = %s", active).fetchone()[0]
    todo = conn.execute("select id from app.secrets where key_id <> %s order by id", active).fetchall()
    rotated, failures = 0, []
    for (secret_id,) in todo:
        with conn.transaction():
            conn.execute("select set_config('trackai.secret_rotation', 'on', true)")
            row = conn.execute("select company_id::text, kind, key_id, ciphertext from app.secrets"
                               " where id = %s and key_id <> %s for update",
                               (secret_id, keyring.active)).fetchone()
            if row is None:
                continue  # rotated meanwhile
            company_id, kind, key_id, blob = row
            try:
                plaintext = keyring.decrypt(key_id, blob, company_id, kind)
            except SecretError as exc:
                failures.append(f"secret {secret_id}: {exc}")
                continue
            new_id, new_blob = keyring.encrypt(plaintext, company_id, kind)
            conn.execute("update app.secrets set key_id = %s, ciphertext = %s, updated_at = app.now()"
                         " where id = %s", (new_id, new_blob, secret_id))
            rotated += 1
    return rotated, current, failures


@cli.command("new-key")
def new_key_command() -> None:
    """Print a new key (`<id>:<base64 of 32 random bytes>`) to put first in TRACKAI_SECRET_KEY."""
    kid = "k" + time.strftime("%Y%m%d%H%M%S", time.gmtime())
    typer.echo(f"{kid}:{new_key()}")
    typer.echo("put it first in TRACKAI_SECRET_KEY (TRACKAI_SECRET_KEY=<new>,<old>), restart, then run "
               "`trackai secrets rotate`; drop the old key afterwards", err=True)


@cli.command("rotate")
def rotate_command() -> None:
    """Re-encrypt every stored secret with the active (first) key of TRACKAI_SECRET_KEY."""
    settings = load()
    try:
        keyring = Keyring.parse(settings.secret_key)
    except SecretError as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        raise typer.Exit(1) from None
    with psycopg.connect(settings.dsn, autocommit=True) as conn:
        rotated, current, failures = rotate(conn, keyring)
    typer.echo(f"re-encrypted {rotated} secret(s) with key {keyring.active}; {current} already used it")
    for failure in failures:
        typer.secho(f"error: {failure}", fg="red", err=True)
    if failures:
        raise typer.Exit(1)
