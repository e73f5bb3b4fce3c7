"""`trackai secrets new-key` prints `<id>:<base64 of 32 bytes>`, a fresh key each time, that the keyring
takes as its active key."""

from __future__ import annotations

from typer.testing import CliRunner

from core.secrets import Keyring
from trackai.cli import app


def test_new_key_is_a_fresh_usable_aes_key():
    first = CliRunner().invoke(app, ["secrets", "new-key"])
    second = CliRunner().invoke(app, ["secrets", "new-key"])
    assert first.exit_code == 0
    key1 = first.stdout.strip().splitlines()[0]
    key2 = second.stdout.strip().splitlines()[0]
    assert key1 != key2
    ring = Keyring.parse(f"{key1},{key2}")
    assert ring.active == key1.split(":")[0] and len(ring.keys[ring.active]) == 32
    kid, blob = ring.encrypt("EAAGsecret", "company", "meta_capi_token")
    assert ring.decrypt(kid, blob, "company", "meta_capi_token") == "EAAGsecret"
