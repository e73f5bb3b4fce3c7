"""supabase/types/database.types.ts is what Supabase's generator (postgres-meta, pinned in package.json) writes
for a database built from the migrations, for the schemas config.toml exposes: a schema change that is not
followed by `make types` fails here, before the dashboard's type check could be fooled by stale types."""

from __future__ import annotations

from trackai import contracts


def test_the_committed_types_are_what_the_generator_writes_for_the_migrations(dsn):
    assert contracts.TYPES_FILE.exists(), "supabase/types/database.types.ts is missing: run `make types`"
    generated = contracts.database_types(dsn)
    assert "export type Database" in generated
    assert generated == contracts.TYPES_FILE.read_text(), (
        "supabase/types/database.types.ts is stale: run `make types` and commit it")

