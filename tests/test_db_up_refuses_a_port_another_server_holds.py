"""`trackai db up` with its cluster down and another server on its port (another checkout's cluster left
running, say) stops with a clear error instead of applying this checkout's migrations to that server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from core.settings import REPO_ROOT


def test_db_up_names_the_taken_port_and_starts_nothing(tmp_path):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        env = {**os.environ, "TRACKAI_LOCAL_DIR": str(tmp_path), "TRACKAI_LOCAL_PORT": str(port)}
        env.pop("DATABASE_URL", None)
        res = subprocess.run([sys.executable, "-m", "trackai.cli", "db", "up"], cwd=REPO_ROOT, env=env,
                             capture_output=True, text=True, timeout=120)
    assert res.returncode != 0
    assert f"port {port} is taken by another server" in res.stdout + res.stderr
    assert not (tmp_path / "pg" / "postmaster.pid").exists()
