"""The project's own PostgreSQL 15 cluster (port 54322), created and started on demand.

Used only when DATABASE_URL is unset. Installs the Debian packages it needs (and pgmq 1.4.4, the
release hosted Supabase offers, as a real extension) when it can (root), otherwise stops with one
line naming them.

Roles are shaped like hosted Supabase's: the bootstrap superuser is `supabase_admin`, and `postgres`,
which the app, the migrations and the tests use, is NOT a superuser (createrole, createdb,
replication, bypassrls), so nothing can come to depend on superuser rights hosted Supabase does not give.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import psycopg
from psycopg.conninfo import make_conninfo

from core.settings import ADMIN_ROLE, LOCAL_DB, LOCAL_PORT, REPO_ROOT, Settings, local_admin_dsn

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
    PG_LIB / "plpgsql_check.so": "postgresql-15-plpgsql-check",  # supabase db lint
    Path("/usr/bin/chromium"): "chromium",  # runs the landing snippet test headless
}

SERVER_SETTINGS = {
    "port": str(LOCAL_PORT),
    "listen_addresses": "'127.0.0.1'",
    # pg_stat_statements: where each millisecond goes (bench/processing.py), as on hosted Supabase
    "shared_preload_libraries": "'pg_cron,pg_stat_statements'",
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


# pgmq as hosted Supabase has it, vendored as released (PostgreSQL License)
PGMQ_VERSION = "1.4.4"
PGMQ_SOURCE = REPO_ROOT / "supabase" / "shim" / f"pgmq-{PGMQ_VERSION}"

# the app's role, as hosted Supabase shapes `postgres`: everything but superuser
APP_ROLE_OPTIONS = "login nosuperuser createrole createdb replication bypassrls"


class LocalDbError(RuntimeError):
    pass


def missing_packages() -> list[str]:
    return sorted({pkg for path, pkg in REQUIRED.items() if not path.exists()})


def ensure_packages() -> None:
    missing = missing_packages()
    if missing:
        if os.geteuid() != 0:
            raise LocalDbError(f"missing Debian packages; run: sudo apt-get install -y {' '.join(missing)}")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=env)
        still = missing_packages()
        if still:
            raise LocalDbError(f"apt-get could not install: {' '.join(still)}")
    ensure_pgmq()


def _installed_pgmq_version() -> str | None:
    control = PG_EXT / "pgmq.control"
    if not control.exists():
        return None
    for line in control.read_text().splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "default_version":
            return value.strip().strip("'")
    return None


def ensure_pgmq() -> None:
    """pgmq 1.4.4 installed as a real extension (`create extension pgmq`), as on hosted Supabase."""
    if _installed_pgmq_version() == PGMQ_VERSION and (PG_EXT / f"pgmq--{PGMQ_VERSION}.sql").exists():
        return
    if os.geteuid() != 0:
        raise LocalDbError(
            f"pgmq {PGMQ_VERSION} is not installed as a Postgres extension; run: "
            f"sudo cp {PGMQ_SOURCE}/pgmq.control {PG_EXT}/pgmq.control && "
            f"sudo cp {PGMQ_SOURCE}/pgmq.sql {PG_EXT}/pgmq--{PGMQ_VERSION}.sql")
    shutil.copyfile(PGMQ_SOURCE / "pgmq.control", PG_EXT / "pgmq.control")
    shutil.copyfile(PGMQ_SOURCE / "pgmq.sql", PG_EXT / f"pgmq--{PGMQ_VERSION}.sql")


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


def pg_ctl(pgdata: Path, action: str, *args: str) -> subprocess.CompletedProcess:
    """pg_ctl as the postgres user, logging beside the data directory. A start or restart does not wait
    (`-W`; the caller polls with wait_ready): pg_ctl's own wait loop hangs under libfaketime, and
    `make test-clock-ahead` starts clusters with their clock a year ahead."""
    wait = ["-W"] if action in ("start", "restart") else []
    return _as_postgres([str(PG_BIN / "pg_ctl"), action, "-D", str(pgdata), "-l", str(pgdata.parent / "postgres.log"),
                         *wait, *args], capture_output=True, text=True)


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
        [str(PG_BIN / "initdb"), "-D", str(pgdata), "-U", ADMIN_ROLE, "--auth=trust", "-E", "UTF8",
         "--locale=C.UTF-8"],
        check=True, capture_output=True,
    )
    with (pgdata / "postgresql.conf").open("a") as f:
        f.write("\ninclude 'trackai.conf'\n")


def _write_settings(pgdata: Path) -> bool:
    """Our server settings, rewritten on every `up` so that a cluster made earlier gets new ones;
    True when they changed (a running server must restart for them)."""
    conf = "\n".join(f"{k} = {v}" for k, v in SERVER_SETTINGS.items())
    # the real path: a checkout that reaches the same cluster through a link must not rewrite it (a restart)
    conf += f"\nunix_socket_directories = '{pgdata.resolve().parent}'\n"
    path = pgdata / "trackai.conf"
    if path.exists() and path.read_text() == conf:
        return False
    path.write_text(conf)
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")
    return True


def wait_ready(dsn: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with psycopg.connect(dsn, connect_timeout=2) as conn:
                conn.execute("select 1")
            return
        except psycopg.OperationalError as exc:
            if "does not exist" in str(exc):
                return  # the server answers; the role is made by _ensure_roles
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _refuse_taken_port() -> None:
    """Our cluster is down: a server answering on its port is someone else's (another checkout's cluster,
    left running). Talking to it would apply this checkout's migrations to that one's data."""
    with socket.socket() as probe:
        probe.settimeout(1)
        if probe.connect_ex(("127.0.0.1", LOCAL_PORT)) == 0:
            raise LocalDbError(f"port {LOCAL_PORT} is taken by another server (another checkout's cluster?): "
                               f"stop it, or set TRACKAI_LOCAL_PORT to use another port")


def up(settings: Settings) -> Path:
    """Create (first time) and start the cluster; reuse it and its data afterwards."""
    ensure_packages()
    pgdata = data_dir(settings)
    if not (pgdata / "PG_VERSION").exists():
        _init_cluster(pgdata)
    if _write_settings(pgdata) and _is_running(pgdata):
        down(settings)
    if not _is_running(pgdata):
        _refuse_taken_port()
        log = pgdata.parent / "postgres.log"
        if os.geteuid() == 0 and not log.exists():
            log.touch()
            shutil.chown(log, "postgres", "postgres")
        res = pg_ctl(pgdata, "start")
        try:
            if res.returncode != 0:
                raise LocalDbError(res.stderr.strip())
            wait_ready(local_admin_dsn(LOCAL_DB), timeout_s=60)
        except (LocalDbError, psycopg.OperationalError) as exc:
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise LocalDbError(f"postgres did not start (see {log}): {exc} {tail}") from None
    wait_ready(local_admin_dsn(LOCAL_DB))
    ensure_roles(local_admin_dsn(LOCAL_DB))
    return pgdata


def ensure_roles(admin_dsn: str) -> None:
    """`postgres` as hosted Supabase has it: not a superuser, owner of the database it works in.

    A cluster made before this had `postgres` as its bootstrap superuser: it gets `supabase_admin`
    first, then `postgres` loses superuser like on a new cluster."""
    try:
        conn = psycopg.connect(admin_dsn, autocommit=True)
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise
        with psycopg.connect(make_conninfo(admin_dsn, user="postgres"), autocommit=True) as old:
            old.execute(f"create role {ADMIN_ROLE} superuser login")
        conn = psycopg.connect(admin_dsn, autocommit=True)
    with conn:
        exists = conn.execute("select 1 from pg_roles where rolname = 'postgres'").fetchone()
        conn.execute(f"{'alter' if exists else 'create'} role postgres {APP_ROLE_OPTIONS}")
        conn.execute(f"alter database {LOCAL_DB} owner to postgres")
        # as in a hosted project's role dump (pg_monitor brings pg_read_all_settings, which reading
        # cron.database_name needs)
        conn.execute("grant pg_monitor, pg_read_all_data, pg_signal_backend to postgres")


def down(settings: Settings, mode: str = "fast") -> None:
    pgdata = data_dir(settings)
    if _is_running(pgdata):
        res = pg_ctl(pgdata, "stop", "-m", mode)
        if res.returncode != 0:
            raise LocalDbError(f"postgres did not stop: {res.stderr.strip()}")


def destroy(settings: Settings) -> None:
    """Stop the cluster and delete its data (the throwaway cluster of `make test-clock-ahead`)."""
    down(settings, mode="immediate")
    shutil.rmtree(data_dir(settings), ignore_errors=True)
