"""The API freezes what it loaded at startup out of Python's cyclic garbage collector: a full collection
over the ~100,000 objects of the loaded app took ~55 ms on this machine, a stall for every request in
flight on that worker (it showed up in the p99 of bench/ingest.py)."""

from __future__ import annotations

import gc

from tests.apiutil import api_client


def test_the_api_freezes_its_startup_objects(dsn):
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        with api_client(dsn, run_ingest=False) as client:
            assert client.get("/health").status_code in (200, 503)
            assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
