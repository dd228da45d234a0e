# Portail CMA — developer commands. Needs only python3 (and make); see docs and DESIGN "Run modes".
#   make run        embedded mode: SQLite, eager tasks, console emails, demo data (PORT=8000), and
#                   a Celery worker with beat on a filesystem broker for the periodic jobs (no Redis)
#   make run-stack  PostgreSQL + Redis, with web, Celery worker and beat under honcho
#   make test       lint, format check, migrations check, pytest (PYTEST_ARGS="..." to pass options)
#   make bench      load benchmark on the local PostgreSQL and Redis (BENCH_ARGS="..."; docs/performance.md)

SHELL := /bin/bash
.DEFAULT_GOAL := help
# Targets are steps of one sequence (venv → messages → migrate → …): never run them in parallel.
.NOTPARALLEL:

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

# Full-stack defaults: the services that run on the development and CI machines.
STACK_DATABASE_URL := postgres://postgres@127.0.0.1:5432/cma_portal
STACK_REDIS_URL := redis://127.0.0.1:6379/0

.PHONY: help venv messages migrate seed run run-stack test lint format clean bench axe

help:
	@echo "make venv | messages | migrate | run | run-stack | test | lint | format | clean"

# --- virtual environment --------------------------------------------------------------------
# The stamp is newer than both requirements files once they are installed, so a second
# `make venv` (and every `make test`) does nothing.
venv: $(STAMP)

$(PY):
	python3 -m venv $(VENV)

$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $(STAMP)

# --- translations ---------------------------------------------------------------------------
# .mo files are build output (not committed): polib (a pinned dependency) compiles each catalogue,
# so a machine with only Python needs no GNU gettext.
messages: venv
	$(PY) -c "import pathlib, polib; [polib.pofile(str(po)).save_as_mofile(str(po.with_suffix('.mo'))) for po in pathlib.Path('locale').glob('*/LC_MESSAGES/*.po')]"

# --- embedded mode --------------------------------------------------------------------------
migrate: venv
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# `make run PORT=8001` when 8000 is taken.
PORT ?= 8000

# The web server and a worker with beat (Procfile.embedded): reminders, expiry, announcements
# and every other periodic job run on their own schedule, on kombu's filesystem transport.
run: export EMBEDDED_BROKER_DIR ?= var/broker
run: export WEB_PORT := $(PORT)
run: venv messages migrate seed
	mkdir -p var
	$(PY) -m honcho start -f Procfile.embedded

# --- full stack -----------------------------------------------------------------------------
# DATABASE_URL / REDIS_URL from the environment win over the defaults above.
run-stack: export DATABASE_URL ?= $(STACK_DATABASE_URL)
run-stack: export REDIS_URL ?= $(STACK_REDIS_URL)
# The database is created if missing, through the server's maintenance database "postgres".
run-stack: venv messages
	@db="$${DATABASE_URL##*/}"; db="$${db%%\?*}"; server="$${DATABASE_URL%/*}"; \
	if ! psql "$$server/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$$db'" | grep -q 1; then \
		echo "creating database $$db"; \
		psql "$$server/postgres" -qc "CREATE DATABASE \"$$db\"" 2>&1 | grep -v "already exists" || true; \
	fi
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	mkdir -p var
	$(PY) -m honcho start -f Procfile.dev

# --- test tools -----------------------------------------------------------------------------
# axe-core (npm, pinned in package-lock.json) into ./node_modules, injected into Chromium by the
# accessibility e2e tests; never served to users. Without npm the step is skipped and those
# tests skip (CI installs npm, see .ci/run).
AXE := node_modules/axe-core/axe.min.js

axe: $(AXE)

$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $(AXE); \
	else \
		echo "npm not found: accessibility (axe-core) tests will be skipped"; \
	fi

# --- checks ---------------------------------------------------------------------------------
test: export TESTING := true
test: venv messages axe
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

# --- benchmark ------------------------------------------------------------------------------
# Its own database (cma_bench), gunicorn with production settings, wrk (installed if missing).
BENCH_ARGS ?=
bench: venv messages
	@command -v wrk >/dev/null 2>&1 || apt-get install -y wrk
	$(PY) bench/run.py $(BENCH_ARGS)

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: venv
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

clean:
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	find . -path ./$(VENV) -prune -o -name '*.mo' -path '*/locale/*' -exec rm -f {} +
	rm -rf .pytest_cache .ruff_cache staticfiles test-results var/ci-junit.xml
