"""examples/dashboard (supabase-js typed with the generated `Database`, the setup API typed from openapi.json)
type-checks with `tsc --noEmit`, so a schema or API change that breaks the dashboard fails the suite; and the
check has teeth: the same modules reading a column that does not exist fail it, naming the column."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from trackai import contracts


def test_the_example_dashboard_type_checks():
    res = contracts.type_check()
    assert res.returncode == 0, f"tsc --noEmit -p examples/dashboard:\n{res.stdout}{res.stderr}"


def test_a_wrong_column_in_a_select_fails_the_type_check():
    # a sibling of examples/dashboard: the same relative paths to node_modules and supabase/types
    with tempfile.TemporaryDirectory(dir=contracts.EXAMPLE_DIR.parent, prefix=".wrong-column-") as tmp:
        copy = Path(tmp)
        shutil.copytree(contracts.EXAMPLE_DIR, copy, dirs_exist_ok=True)
        counters = copy / "lib" / "counters.ts"
        text = counters.read_text()
        assert '"day, received, ' in text
        counters.write_text(text.replace('"day, received, ', '"day, recieved, '))
        res = contracts.type_check(copy)
    assert res.returncode != 0
    assert "column 'recieved' does not exist on 'company_counters'" in res.stdout, res.stdout
