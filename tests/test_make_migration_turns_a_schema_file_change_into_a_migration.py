"""`make migration name=...` (trackai.schema_files.new_migration) writes a migration holding exactly the
schema files that changed, as written, and drops what no file declares any more; the migrations then agree
with the files again, so a second run finds nothing."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

import psycopg
import pytest

from trackai import schema_files as sf


@pytest.fixture
def project(tmp_path):
    """A copy of supabase/ (config, schema files, migrations) to change."""
    root = tmp_path / "supabase"
    root.mkdir()
    shutil.copy(sf.SUPABASE_DIR / "config.toml", root)
    shutil.copytree(sf.SCHEMAS_DIR, root / "schemas")
    shutil.copytree(sf.SUPABASE_DIR / "migrations", root / "migrations")
    return root


def test_a_one_line_change_to_a_function_becomes_a_migration_with_that_file_only(project):
    target = project / "schemas" / "app" / "role_rank.sql"
    one_line = target.read_text().replace("then 3 end", "then 3 else 0 end")
    target.write_text(one_line)

    path = sf.new_migration("unknown_roles_rank_zero", project, now=datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert path is not None and path.name == "20300102030405_unknown_roles_rank_zero.sql"
    text = path.read_text()
    sections = [line for line in text.splitlines() if line.startswith("-- ---- ")]
    assert sections == ["-- ---- schemas/app/role_rank.sql ----"]
    assert "then 3 else 0 end" in text and "drop " not in text

    with sf.scratch_database("t_make_migration", project / "migrations") as dsn, psycopg.connect(dsn) as conn:
        assert conn.execute("select app.role_rank('nobody'), app.role_rank('viewer')").fetchone() == (0, 1)
    assert sf.new_migration("again", project) is None


def test_a_policy_removed_from_its_file_is_dropped_by_the_migration(project):
    target = project / "schemas" / "app" / "policies" / "companies.sql"
    text = target.read_text()
    block = text[text.index('drop policy if exists "Backoffice admins can update their companies"'):]
    block = block[:block.index("\n\n") + 2]
    target.write_text(text.replace(block, ""))

    path = sf.new_migration("companies_are_not_updated_by_members", project)
    assert 'drop policy "Backoffice admins can update their companies" on app.companies;' in path.read_text()
    assert sf.new_migration("again", project) is None


def test_a_bad_name_is_refused_before_anything_is_built(project):
    with pytest.raises(sf.SchemaError, match="lower case"):
        sf.new_migration("Add Stuff", project)
