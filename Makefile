# The two commands: `make run` (everything up + the sandbox journey) and `make test` (every check).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-12)

.PHONY: install run stop test lint bench db-up db-reset

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)
	$(PY) -c "from trackai import localdb; localdb.ensure_packages()"

run: install
	$(BIN)/trackai run

stop: install
	$(PY) -c "from trackai import processes, settings; processes.stop_all(settings.load())"

db-up: install
	$(BIN)/trackai db up

db-reset: install
	$(BIN)/trackai db reset

lint: install
	$(BIN)/ruff check .
	$(BIN)/sqlfluff lint --dialect postgres supabase sql

# tests always run against the local cluster, even when DATABASE_URL points at a hosted project
test: install
	env -u DATABASE_URL $(BIN)/trackai db up
	$(MAKE) --no-print-directory lint
	env -u DATABASE_URL $(PY) -m pytest -q -p no:cacheprovider

bench: install
	$(BIN)/trackai db up
	$(PY) -m bench.run_all
