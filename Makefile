# Two commands on a fresh machine: `make run` and `make test`. Running the app needs only
# Python 3.11+; `make lint` and `make test` also need Node.js and npm for ESLint.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# ESLint and its config packages, pinned in package-lock.json; never shipped with the app.
NODE_STAMP := node_modules/.installed
ESLINT := node_modules/.bin/eslint

.PHONY: run test lint format install migrate demo bench chromium redis clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Fails with a clear message, never skips, when Node.js or npm is missing.
$(NODE_STAMP): package.json package-lock.json
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { \
	  echo "error: the JavaScript linter (ESLint) needs Node.js (^20.19, ^22.13 or >= 24) and npm;" >&2; \
	  echo "       install them (Debian: apt-get install nodejs npm), then run make again." >&2; exit 1; }
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

run: demo
	@echo "Factcheck at http://$(HOST):$(PORT)/ (admin at /admin/)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Browser tests drive Debian's Chromium; install it when it is missing (needs root or sudo).
chromium:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || \
	  ( (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
	    || echo "warning: could not install chromium; browser tests will fail" )

# The multi-process throttle test needs a Redis server: the one on 127.0.0.1:6379, or one it
# starts itself from redis-server; install that when it is missing (needs root or sudo).
redis:
	@command -v redis-server >/dev/null 2>&1 || \
	  ( (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) \
	    || echo "warning: could not install redis-server; the Redis throttle test will fail" )

lint: install $(NODE_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(ESLINT) --max-warnings 0 .

format: install $(NODE_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(ESLINT) --fix .

test: install chromium redis lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules db.sqlite3 staticfiles .pytest_cache
