"""The project's own PostgreSQL 15 cluster (port 54322), created and started on demand.

Used only when DATABASE_URL is unset. Installs the Debian packages it needs
when it can (root), otherwise stops with one line naming them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from pathlib import Path

import psycopg

from trackai.settings import LOCAL_DB, LOCAL_PORT, REPO_ROOT, Settings, local_dsn

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_LIB = Path("/usr/lib/postgresql/15/lib")
PG_EXT = Path("/usr/share/postgresql/15/extension")

# file that proves a package is installed -> Debian package providing it
REQUIRED = {
    PG_BIN / "initdb": "postgresql-15",
    PG_LIB / "pg_cron.so": "postgresql-15-cron",
    PG_EXT / "pgtap.control": "postgresql-15-pgtap",
    PG_LIB / "wal2json.so": "postgresql-15-wal2json",
    Path("/usr/bin/pg_prove"): "libtap-parser-sourcehandler-pgtap-perl",
    PG_EXT / "pgcrypto.control": "postgresql-contrib",
    Path("/usr/bin/chromium"): "chromium",  # runs the landing snippet test headless
}

SERVER_SETTINGS = {
    "port": str(LOCAL_PORT),
    "listen_addresses": "'127.0.0.1'",
    "shared_preload_libraries": "'pg_cron'",
    "cron.database_name": f"'{LOCAL_DB}'",
    "cron.use_background_workers": "on",
    "max_worker_processes": "32",
    "wal_level": "logical",
    "max_replication_slots": "16",
    "max_wal_senders": "16",
    "max_connections": "200",
    "shared_buffers": "256MB",
    "timezone": "'UTC'",
}


class LocalDbError(RuntimeError):
    pass


def missing_packages() -> list[str]:
    return sorted({pkg for path, pkg in REQUIRED.items() if not path.exists()})


def ensure_packages() -> None:
    missing = missing_packages()
    if not missing:
        return
    if os.geteuid() != 0:
        raise LocalDbError(f"missing Debian packages; run: sudo apt-get install -y {' '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=env)
    still = missing_packages()
    if still:
        raise LocalDbError(f"apt-get could not install: {' '.join(still)}")


def _as_postgres(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    """initdb and pg_ctl refuse root: run them as the postgres user when we are root."""
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, **kw)


def _postgres_can_use(path: Path) -> bool:
    if os.geteuid() != 0:
        return True
    probe = _as_postgres(["test", "-x", str(path)], capture_output=True)
    return probe.returncode == 0


def data_dir(settings: Settings) -> Path:
    """`.local/pg` in the checkout; a per-checkout folder under /var/lib when postgres cannot reach it."""
    settings.local_dir.mkdir(parents=True, exist_ok=True)
    if _postgres_can_use(settings.local_dir.parent):
        return settings.local_dir / "pg"
    digest = hashlib.sha256(str(REPO_ROOT).encode()).hexdigest()[:12]
    return Path("/var/lib/trackai") / digest / "pg"


def _is_running(pgdata: Path) -> bool:
    if not (pgdata / "PG_VERSION").exists():
        return False
    res = _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(pgdata), "status"], capture_output=True)
    return res.returncode == 0


def _init_cluster(pgdata: Path) -> None:
    pgdata.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(pgdata, "postgres", "postgres")
        shutil.chown(pgdata.parent, "postgres", "postgres")
    pgdata.chmod(0o700)
    _as_postgres(
        [str(PG_BIN / "initdb"), "-D", str(pgdata), "-U", "postgres", "--auth=trust", "-E", "UTF8",
         "--locale=C.UTF-8"],
        check=True, capture_output=True,
    )
    conf = "\n".join(f"{k} = {v}" for k, v in SERVER_SETTINGS.items())
    conf += f"\nunix_socket_directories = '{pgdata.parent}'\n"
    (pgdata / "trackai.conf").write_text(conf)
    with (pgdata / "postgresql.conf").open("a") as f:
        f.write("\ninclude 'trackai.conf'\n")
    if os.geteuid() == 0:
        shutil.chown(pgdata / "trackai.conf", "postgres", "postgres")


def wait_ready(dsn: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with psycopg.connect(dsn, connect_timeout=2) as conn:
                conn.execute("select 1")
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def up(settings: Settings) -> Path:
    """Create (first time) and start the cluster; reuse it and its data afterwards."""
    ensure_packages()
    pgdata = data_dir(settings)
    if not (pgdata / "PG_VERSION").exists():
        _init_cluster(pgdata)
    if not _is_running(pgdata):
        log = pgdata.parent / "postgres.log"
        if os.geteuid() == 0 and not log.exists():
            log.touch()
            shutil.chown(log, "postgres", "postgres")
        res = _as_postgres(
            [str(PG_BIN / "pg_ctl"), "-D", str(pgdata), "-l", str(log), "-w", "-t", "60", "start"],
            capture_output=True, text=True,
        )
        if res.returncode != 0:
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise LocalDbError(f"postgres did not start (see {log}): {res.stderr.strip()} {tail}")
    wait_ready(local_dsn(LOCAL_DB))
    return pgdata


def down(settings: Settings, mode: str = "fast") -> None:
    pgdata = data_dir(settings)
    if _is_running(pgdata):
        _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(pgdata), "-m", mode, "-w", "stop"], check=True,
                     capture_output=True)


def restart(settings: Settings, mode: str = "immediate") -> None:
    """Used by the fault suite: an abrupt restart under load."""
    pgdata = data_dir(settings)
    _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(pgdata), "-m", mode, "-w", "restart", "-l",
                  str(pgdata.parent / "postgres.log")], check=True, capture_output=True)
