# Case Assessment. Quick start: `make demo` (serves the demo) and `make test` (runs the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: demo test lint format e2e bench assets install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
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

## bench: performance benchmarks on PostgreSQL (DATABASE_URL defaults to the local server's "bench" database)
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
