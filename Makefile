# The two commands: `make run` (everything up + the sandbox journey) and `make test` (every check).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
PIP := $(PY) -m pip -q --disable-pip-version-check
# installs follow the lock files exactly; `make lock` is the one way to move a version
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha256sum | cut -c1-12)
NODE_STAMP := node_modules/.installed-$(shell sha256sum package-lock.json | cut -c1-12)
UV := uv==0.13.10

.PHONY: install run stop test test-clock-ahead lint bench db-up db-reset lock migration types openapi

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --require-hashes --no-deps -r requirements.lock
	$(PIP) install --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-* && touch $(STAMP)

# the Supabase CLI (deploys the migrations: supabase db push), pinned in package.json / package-lock.json
$(NODE_STAMP): package-lock.json
	command -v npm >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm)
	npm ci --no-audit --no-fund --loglevel=error
	rm -f node_modules/.installed-* && touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP)
	$(PY) -c "from trackai import localdb; localdb.ensure_packages()"

# Deliberate upgrade: every Python dependency re-resolved to its newest allowed version (with hashes),
# the npm lock refreshed from package.json, then the whole suite.
lock:
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install $(UV)
	$(BIN)/uv pip compile --quiet --upgrade --generate-hashes --python-version 3.11 --extra dev \
	  --output-file requirements.lock pyproject.toml
	npm install --package-lock-only --no-audit --no-fund --loglevel=error
	$(MAKE) --no-print-directory test

run: install
	$(BIN)/trackai run

stop: install
	$(PY) -c "from core import settings; from trackai import processes; processes.stop_all(settings.load())"

db-up: install
	$(BIN)/trackai db up

db-reset: install
	$(BIN)/trackai db reset

# After editing supabase/schemas/: the next migration, holding the changed files (on the local cluster)
migration: install
	@test -n "$(name)" || { echo "usage: make migration name=what_changed (lower case, digits, _)"; exit 2; }
	env -u DATABASE_URL $(BIN)/trackai db new-migration $(name)

# The dashboard's generated contracts (trackai/contracts.py); tests fail while the committed ones are stale.
# supabase/types/database.types.ts: Supabase's generator (postgres-meta) on a database migrated on the local cluster
types: install
	env -u DATABASE_URL $(BIN)/trackai gen types

# openapi.json, and the example dashboard's HTTP client types from it (openapi-typescript)
openapi: install
	$(BIN)/trackai gen openapi

lint: install
	$(BIN)/ruff check .
	$(BIN)/sqlfluff lint --dialect postgres supabase sql

# tests always run against the local cluster, even when DATABASE_URL points at a hosted project
test: install
	env -u DATABASE_URL $(BIN)/trackai db up
	$(MAKE) --no-print-directory lint
	env -u DATABASE_URL $(PY) -m pytest -q -p no:cacheprovider

# The whole suite with every process's clock a year ahead (libfaketime): pytest, the API, workers and
# fakes it starts, and a throwaway cluster of its own (port 54332, .local/clock-ahead) started under
# the same clock. Proves that no test depends on the day it runs. tests/clock/clockwait_shim.c fixes
# timed waits that Debian's libfaketime 0.9.10 would stretch by the offset (Python's Lock timeouts).
AHEAD_DIR := $(CURDIR)/.local/clock-ahead
FAKETIME_LIB := /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
CLOCK_AHEAD := env -u DATABASE_URL TRACKAI_LOCAL_DIR=$(AHEAD_DIR) TRACKAI_LOCAL_PORT=54332 FAKETIME=+365d \
  LD_PRELOAD=$(AHEAD_DIR)/clockwait_shim.so:$(FAKETIME_LIB)
$(AHEAD_DIR)/clockwait_shim.so: tests/clock/clockwait_shim.c
	test -e $(FAKETIME_LIB) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime)
	command -v gcc >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc)
	mkdir -p $(AHEAD_DIR) && gcc -shared -fPIC -O2 -o $@ $< -ldl
test-clock-ahead: install $(AHEAD_DIR)/clockwait_shim.so
	$(CLOCK_AHEAD) date
	$(CLOCK_AHEAD) $(PY) -c "from core import settings; from trackai import localdb; localdb.destroy(settings.load())"
	$(CLOCK_AHEAD) $(BIN)/trackai db up
	$(CLOCK_AHEAD) $(PY) -m pytest -q -p no:cacheprovider; status=$$?; \
	  $(CLOCK_AHEAD) $(PY) -c "from core import settings; from trackai import localdb; localdb.destroy(settings.load())"; \
	  exit $$status

bench: install
	$(BIN)/trackai db up
	$(PY) -m bench.run_all
