"""Shared fixtures: a template database per run, a clean copy per test module, and (for the modules that do
not define their own) a configured company and the API bound to that copy."""

from __future__ import annotations

import os
import re

import psycopg
import pytest

# a fixed test key, so encrypted secrets written by one fixture decrypt in another
os.environ.setdefault("TRACKAI_SECRET_KEY", "test:" + "dGVzdC1rZXktMzItYnl0ZXMtbG9uZy4uLi4uLi4uLi4=")

from core.settings import local_dsn  # noqa: E402
from tests import dbutil  # noqa: E402
from tests.apiutil import api_client, make_tenant  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def template_db():
    dbutil.build_template()
    yield dbutil.TEMPLATE
    dbutil.drop_template()


@pytest.fixture(scope="module")
def db_name(request, template_db):
    name = dbutil.clone(re.sub(r"\W", "_", request.module.__name__.split(".")[-1]))
    yield name
    dbutil.drop(name)


@pytest.fixture(scope="module")
def dsn(db_name) -> str:
    return local_dsn(db_name)


@pytest.fixture
def conn(dsn):
    """An autocommit connection as postgres to this module's database."""
    with psycopg.connect(dsn, autocommit=True) as c:
        yield c


@pytest.fixture(scope="module")
def tenant(dsn):
    """A fully configured company (tests.apiutil.make_tenant) in this module's database."""
    return make_tenant(dsn)


@pytest.fixture(scope="module")
def client(dsn):
    """The API bound to this module's database, webhooks processed after each request (tests.apiutil)."""
    with api_client(dsn) as c:
        yield c
