"""Bringing the local stack up again reuses the running cluster and its data and applies nothing."""

from __future__ import annotations

import dataclasses
import uuid

import psycopg

from core.settings import load
from trackai import db as dbops
from trackai import localdb


def _postmaster_pid(pgdata) -> int:
    return int((pgdata / "postmaster.pid").read_text().splitlines()[0])


def test_every_required_debian_package_is_installed():
    assert localdb.missing_packages() == []


def test_up_twice_reuses_the_cluster_and_applies_nothing():
    settings = dataclasses.replace(load(), database_url=None)  # tests always use the local cluster
    dbops.up(settings)  # whatever state it was in, now it is current
    pgdata = localdb.data_dir(settings)
    assert (pgdata / "PG_VERSION").read_text().strip() == "15"
    pid = _postmaster_pid(pgdata)

    slug = f"idem-{uuid.uuid4().hex[:10]}"
    with psycopg.connect(settings.dsn, autocommit=True) as conn:
        company = conn.execute(
            "insert into app.companies (name, slug) values ('Survives db up', %s) returning id", (slug,)
        ).fetchone()[0]
        try:
            assert dbops.up(settings) == []
            assert localdb.data_dir(settings) == pgdata
            assert _postmaster_pid(pgdata) == pid  # same server, not a restart or a new cluster
            kept = conn.execute("select slug from app.companies where id = %s", (company,)).fetchone()
            assert kept == (slug,)
        finally:
            conn.execute("delete from app.companies where id = %s", (company,))
