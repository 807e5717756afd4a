# Case Assessment. Quick start: `make demo` (serves the demo) and `make test` (runs the whole suite).
# Python 3.11, 3.12 or 3.13 makes the virtualenv: PYTHON if given (make PYTHON=/path/to/python3.12 test), else the
# first of PYTHON_CANDIDATES that runs and is one of those. Each candidate is run, not only looked up: a pyenv shim
# for a version that is installed but not selected is on the PATH and fails when run.
PYTHON_CANDIDATES := python3.13 python3.12 python3.11 python3
SUPPORTED_PYTHON := import sys; sys.exit(not (3, 11) <= sys.version_info < (3, 14))
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: demo test lint format e2e bench load assets install install-dev clean

$(BIN)/python:
	@python="$(PYTHON)"; \
	for candidate in $(if $(PYTHON),,$(PYTHON_CANDIDATES)); do \
		if $$candidate -c '$(SUPPORTED_PYTHON)' >/dev/null 2>&1; then python=$$candidate; break; fi; \
	done; \
	if [ -z "$$python" ]; then \
		echo "Case Assessment needs Python 3.11, 3.12 or 3.13, and none of $(PYTHON_CANDIDATES) is one." >&2; \
		echo "Install one of them, or name one: make PYTHON=/path/to/python3.12 $(MAKECMDGOALS)" >&2; \
		exit 1; \
	fi; \
	echo "Creating $(VENV) with $$python ($$($$python --version 2>&1))"; \
	$$python -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet ".[dev]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## demo: install, migrate SQLite, load the framework and demo data, print the sign-ins, serve on 127.0.0.1:8000
demo: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	@echo "\nServing on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

## test: install dev dependencies, check the layers (lint-imports) and types (mypy), run the whole suite
## (DATABASE_URL=postgres://... for PostgreSQL)
test: install-dev
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/pytest $(PYTEST_ARGS)

## e2e: only the browser tests (Playwright with the system Chromium)
e2e: install-dev
	$(BIN)/pytest -m e2e $(PYTEST_ARGS)

## lint: ruff (lint and format) and mypy (the types of services, selectors, permissions and the rating rules)
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## load: 20 API clients saving for 60 s on gunicorn + PostgreSQL while connections are killed (docs/security.md)
load: install-dev
	LOAD_DATABASE_URL=$${LOAD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/load} $(BIN)/python -m tests.load

## bench: performance benchmarks on PostgreSQL (DATABASE_URL defaults to the local server's "bench" database); each
## ratio against its target with PASS or FAIL, and the scaling curve (BENCH_SCALE_1M=1 adds the million cases)
bench: install-dev
	BENCH_DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bench} $(BIN)/python -m tests.bench

## assets: rebuild static/ from govuk-frontend (needs npm; the output is committed)
assets:
	npm install --no-audit --no-fund
	npx sass --no-source-map --style=compressed --load-path=node_modules --quiet-deps \
		--silence-deprecation=import assets/scss/application.scss static/css/application.css
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/govuk/
	rm -rf static/govuk/assets/images && cp -r node_modules/govuk-frontend/dist/govuk/assets/images static/govuk/assets/

clean:
	rm -rf $(VENV) staticfiles db.sqlite3

## save-latency: save latency at realistic load: locust against gunicorn + PostgreSQL for 100, 300 and 1,000
## assistant inspectors, then a ramp to saturation (LOAD_ARGS="--help" for the options; docs/performance.md)
.PHONY: save-latency
save-latency: install-dev
	LOAD_DATABASE_URL=$${LOAD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/save_latency} \
		$(BIN)/python -m loadtests.save_latency $(LOAD_ARGS)
