# Proeftuin: `make demo` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# PostgreSQL used by `make test` when one answers (trust auth on this machine).
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
VENDOR := src/proeftuin/static/vendor

.PHONY: openapi lock help install assets messages demo serve test test-sqlite test-postgres lint format browser bench bench-load e2e-stress bench-pages fuzz clean

help:
	@echo "make demo   - install everything, load Gemeente Voorbeeldstad and serve on http://$(HOST):$(PORT)/"
	@echo "make test   - install what the tests need and run them all (SQLite, and PostgreSQL beside it if reachable)"
	@echo "make lint   - ruff check and format check"
	@echo "make bench  - run the benchmarks in bench/"
	@echo "make bench-load [LOAD_SECONDS=600] - 25 users against gunicorn, SQLite and PostgreSQL"
	@echo "make e2e-stress [E2E_RUNS=3] [E2E_DATABASE=sqlite|postgres://...] - the browser tests E2E_RUNS times in a row under a CPU load"
	@echo "make bench-pages [PAGES_PROJECTS='100 1000'] [PAGES_SECONDS=120] - 25 users, every main page"
	@echo "make fuzz   - fuzz the spreadsheet intake with FUZZ_FILES (10000) generated files"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The whole dependency tree is locked (with hashes) in requirements.lock; `make lock` renews it.
$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# The committed API v1 contract (docs/api/openapi.yaml); a test fails when it differs from the code.
openapi: $(VENV)/.installed
	$(BIN)/proeftuin manage openapi

lock: | $(BIN)/python
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --extra bench --python-version 3.11 \
		--generate-hashes --quiet -o requirements.lock

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(VENDOR)/.copied: node_modules/.package-lock.json Makefile
	mkdir -p $(VENDOR)/utrecht $(VENDOR)/htmx $(VENDOR)/vega
	cp node_modules/@utrecht/design-tokens/dist/index.css $(VENDOR)/utrecht/design-tokens.css
	cp node_modules/@utrecht/component-library-css/dist/index.css $(VENDOR)/utrecht/component-library.css
	cp node_modules/@utrecht/component-library-css/dist/html.css $(VENDOR)/utrecht/html.css
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/htmx.min.js
	cp node_modules/vega/build/vega.min.js $(VENDOR)/vega/vega.min.js
	cp node_modules/vega-lite/build/vega-lite.min.js $(VENDOR)/vega/vega-lite.min.js
	cp node_modules/vega-interpreter/build/vega-interpreter.js $(VENDOR)/vega/vega-interpreter.js
	# The two files name their source maps; collectstatic's manifest storage fails without them.
	cp node_modules/vega-lite/build/vega-lite.min.js.map $(VENDOR)/vega/vega-lite.min.js.map
	cp node_modules/vega-interpreter/build/vega-interpreter.js.map $(VENDOR)/vega/vega-interpreter.js.map
	touch $@

install: $(VENV)/.installed assets messages

assets: $(VENDOR)/.copied

messages: $(VENV)/.installed
	@if command -v msgfmt >/dev/null; then \
		cd src/proeftuin && ../../$(BIN)/django-admin compilemessages --settings=proeftuin.settings.dev -v 0; \
	else echo "msgfmt not found (Debian package gettext): the English translation is skipped; Dutch works."; fi

demo: install
	$(BIN)/proeftuin demo --host $(HOST) --port $(PORT)

serve: install
	$(BIN)/proeftuin serve --host $(HOST) --port $(PORT)

browser:
	@command -v chromium >/dev/null || { \
		echo "Installing Debian's chromium for the browser tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# With a PostgreSQL server the two suites run side by side, each line marked with its database:
# about 23 minutes on 2 cores, where one after the other took 50.
test: install browser
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports
	@if [ -n "$$DATABASE_URL" ] || (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then \
		export PYTHONUNBUFFERED=1; \
		$(MAKE) --no-print-directory test-sqlite > >(sed -u 's/^/[sqlite] /') 2>&1 & lite=$$!; \
		trap 'kill -TERM $$lite 2>/dev/null' INT TERM EXIT; \
		$(MAKE) --no-print-directory test-postgres 2>&1 | sed -u 's/^/[postgresql] /'; \
		pg=$${PIPESTATUS[0]}; wait $$lite; lite=$$?; trap - EXIT; \
		echo "== make test: SQLite exit $$lite, PostgreSQL exit $$pg"; \
		[ $$lite -eq 0 ] && [ $$pg -eq 0 ]; \
	else $(MAKE) --no-print-directory test-sqlite && \
		echo "No PostgreSQL answers on 127.0.0.1:5432 and DATABASE_URL is unset: PostgreSQL run skipped."; fi

test-sqlite:
	@echo "== Test suite on SQLite =="
	env -u DATABASE_URL $(BIN)/pytest -q -p no:cacheprovider

test-postgres:
	@echo "== Test suite on PostgreSQL ($${DATABASE_URL:-$(PG_TEST_URL)}) =="
	DATABASE_URL=$${DATABASE_URL:-$(PG_TEST_URL)} $(BIN)/pytest -q -p no:cacheprovider

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports
	$(BIN)/ruff format --check src tests bench

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: install
	@if (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then export BENCH_POSTGRES_URL=$(PG_TEST_URL); fi; \
	for b in bench/bench_*.py; do [ "$$b" = bench/bench_load.py ] && continue; echo "== $$b"; $(BIN)/python $$b || exit 1; done

# 25 logged-in users for LOAD_SECONDS (default 10 minutes) on SQLite, and on PostgreSQL when one answers
# (a throwaway database is created next to BENCH_POSTGRES_URL's and dropped afterwards).
LOAD_SECONDS ?= 600
bench-load: install
	@if [ -z "$$BENCH_POSTGRES_URL" ] && (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then \
		export BENCH_POSTGRES_URL=$(PG_TEST_URL); fi; \
	$(BIN)/python bench/bench_load.py --seconds $(LOAD_SECONDS)

# The browser tests E2E_RUNS times in a row, no retry, with every core kept busy (stress-ng or a
# Python busy loop): on E2E_DATABASE ('sqlite' or a PostgreSQL URL; default DATABASE_URL when
# set, else SQLite).
E2E_RUNS ?= 3
E2E_DATABASE ?=
e2e-stress: install browser
	$(BIN)/python bench/e2e_stress.py --runs $(E2E_RUNS) $(if $(E2E_DATABASE),--database $(E2E_DATABASE))
PAGES_PROJECTS ?= 100 1000
PAGES_SECONDS ?= 120
bench-pages: install
	@if [ -z "$$BENCH_POSTGRES_URL" ] && (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then \
		export BENCH_POSTGRES_URL=$(PG_TEST_URL); fi; \
	$(BIN)/python bench/bench_pages.py --projects $(PAGES_PROJECTS) --seconds $(PAGES_SECONDS)

FUZZ_FILES ?= 10000
fuzz: install
	$(BIN)/python bench/fuzz_intake.py --files $(FUZZ_FILES)

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var .pytest_cache
