"""Shared fixtures: a template database per run, a clean copy per test module."""

from __future__ import annotations

import os
import re

import psycopg
import pytest

# a fixed test key, so encrypted secrets written by one fixture decrypt in another
os.environ.setdefault("TRACKAI_SECRET_KEY", "test:" + "dGVzdC1rZXktMzItYnl0ZXMtbG9uZy4uLi4uLi4uLi4=")

from core.settings import local_dsn
from tests import dbutil  # noqa: E402


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
