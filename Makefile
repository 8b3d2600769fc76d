# Seedbed: `make demo` installs everything and serves the demo; `make test` installs what tests need and runs them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
export SEEDBED_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo install test test-deps test-postgres lint format messages clean

## demo: install, migrate, load the demo data and serve http://127.0.0.1:8000 with the worker
demo: install
	$(BIN)/seedbed demo

## install: Python packages in .venv (pinned by constraints.txt) and front-end assets from npm
install: $(BIN)/.installed node_modules/.installed

$(BIN)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## test-deps: everything `make install` does, plus Debian's Chromium for the browser tests
test-deps: install
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "!! chromium is not installed and this is not root: run 'sudo apt-get install chromium'. Browser tests will be skipped."; \
	  fi; \
	fi

## test: the whole suite on SQLite (set DATABASE_URL to run it on PostgreSQL), browser tests included
test: test-deps
	$(BIN)/python -m pytest -p no:cacheprovider -n 2 --dist loadfile $(PYTEST_ARGS)

## test-postgres: the suite on a throwaway PostgreSQL database at 127.0.0.1:5432
test-postgres: test-deps
	DATABASE_URL=$${SEEDBED_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/seedbed_test} \
	  $(BIN)/python -m pytest -p no:cacheprovider -n 2 --dist loadfile -m "not browser" $(PYTEST_ARGS)

## lint: ruff (lint and format check), mypy, import-linter
lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

## messages: refresh the translation catalogues (en, fr, es) and compile them
messages: install
	cd src/seedbed && ../../$(BIN)/seedbed makemessages -l fr -l es --no-obsolete --add-location=file -i "static/*"
	cd src/seedbed && ../../$(BIN)/seedbed compilemessages

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .mypy_cache .ruff_cache
