# unmask — one entry point. `make demo` and `make test` work on a fresh machine with Python 3.11+.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
# The address the demo's exported files link to: its own, whatever port serves it.
demo run: export UNMASK_SITE_URL ?= http://127.0.0.1:$(PORT)
MANAGE := $(PY) -m unmask.manage
STAMP := $(VENV)/.installed
ASSETS := src/unmask/web/static/unmask/dist/.built
# The interface catalogues: every .po compiled to its .mo (tools/catalogue.py, with Babel: no
# GNU gettext needed to build or run).
PO := $(wildcard src/unmask/locale/*/LC_MESSAGES/django.po)
MO := src/unmask/locale/.compiled
PG_URL ?= postgres://postgres@127.0.0.1:5432/unmask

.PHONY: help install assets messages catalogues demo run test test-sqlite test-postgres test-replica replica test-browser lint fmt bench lock clean

help:
	@echo "make demo   install, build, load the fictional demo data and serve on http://127.0.0.1:$(PORT)"
	@echo "make test   install what is missing, lint, check migrations, run the suite (SQLite, then PostgreSQL)"
	@echo "make bench  print benchmark figures;  make lint / make fmt;  make lock (re-pin dependencies)"

$(STAMP): requirements/dev.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PYTHON) tools/ensure_icu.py
	$(PYTHON) tools/ensure_pango.py
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

install: $(STAMP)

frontend/node_modules/.package-lock.json: frontend/package-lock.json | $(STAMP)
	cd frontend && PATH="$(CURDIR)/$(BIN):$$PATH" npm ci --no-audit --no-fund --loglevel=error

$(ASSETS): frontend/node_modules/.package-lock.json $(shell find frontend/src -type f 2>/dev/null) $(wildcard frontend/*.mjs) $(wildcard frontend/data/*.json)
	cd frontend && PATH="$(CURDIR)/$(BIN):$$PATH" node build.mjs
	@touch $@

assets: $(ASSETS)

$(MO): $(PO) | $(STAMP)
	$(PY) tools/catalogue.py compile
	@touch $@

catalogues: $(MO)

# For maintainers: find every marked string again and merge it into each catalogue (needs GNU
# gettext's xgettext and msgmerge); new messages then show in `tools/catalogue.py check`.
messages: $(STAMP)
	$(PY) tools/ensure_gettext.py
	cd src/unmask && env -u DATABASE_URL ../../$(PY) -m unmask.manage makemessages \
	  $(foreach po,$(PO),-l $(word 4,$(subst /, ,$(po)))) \
	  --ignore 'static/*' --ignore 'migrations/*' --add-location file --no-obsolete
	$(PY) tools/catalogue.py check || true

demo: $(STAMP) $(ASSETS) $(MO)
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) collectstatic --noinput -v 0
	$(MANAGE) demo_data --if-empty
	$(MANAGE) demo_campaign --if-empty
	$(MANAGE) demo_pages --if-empty
	$(MANAGE) export --if-changed
	$(MANAGE) ensure_staff
	@echo "Serving the demo on http://127.0.0.1:$(PORT)/ (Ctrl-C stops it)"
	$(BIN)/granian --interface wsgi --host 127.0.0.1 --port $(PORT) --workers 2 --backpressure 32 --no-ws --log-level warning unmask.wsgi:application

run: $(STAMP) $(ASSETS) $(MO)
	UNMASK_DEBUG=1 $(MANAGE) runserver 127.0.0.1:$(PORT)

test: $(STAMP) $(ASSETS) $(MO)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	env -u DATABASE_URL $(MANAGE) makemigrations --check --dry-run
	$(PY) tools/ensure_debian.py
	$(PY) tools/ensure_gettext.py
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$DATABASE_URL" ] || $(PY) tools/pg_ready.py "$(PG_URL)"; then \
	  $(MAKE) --no-print-directory test-postgres; \
	else echo "PostgreSQL: no server on 127.0.0.1:5432 and no DATABASE_URL; PostgreSQL run skipped."; fi
	$(MAKE) --no-print-directory test-replica

test-sqlite: $(STAMP) $(ASSETS) $(MO)
	@echo "== test suite on SQLite"
	env -u DATABASE_URL $(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

test-postgres: $(STAMP) $(ASSETS) $(MO)
	@echo "== test suite on PostgreSQL"
	DATABASE_URL="$${DATABASE_URL:-$(PG_URL)}" $(BIN)/pytest -p no:cacheprovider -m "not browser" $(PYTEST_ARGS)

# A PostgreSQL primary and a streaming replica made with pg_basebackup, on free ports, for the
# read paths (skipped without PostgreSQL's server programs, except in CI). `make replica` starts
# the pair and prints DATABASE_URL and DATABASE_REPLICA_URL for a site to use until Ctrl-C.
test-replica: $(STAMP) $(ASSETS) $(MO)
	@echo "== read paths on a PostgreSQL streaming replica"
	$(PY) tools/pg_replica.py run -- $(BIN)/pytest -p no:cacheprovider -m replica $(PYTEST_ARGS)

replica: $(STAMP)
	$(PY) tools/pg_replica.py serve

test-browser: $(STAMP) $(ASSETS) $(MO)
	$(PY) tools/ensure_debian.py chromium
	env -u DATABASE_URL $(BIN)/pytest -p no:cacheprovider -m browser $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

fmt: $(STAMP)
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

# make bench BENCH_QUICK=1: smaller sizes, each figure marked as such (benchmarks/bench_targets.py)
bench: $(STAMP) $(ASSETS) $(MO)
	$(PY) benchmarks/run.py $(if $(filter-out 0,$(BENCH_QUICK)),--quick)

lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements/dev.lock -q
	$(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -o requirements/prod.lock -q
	cd frontend && PATH="$(CURDIR)/$(BIN):$$PATH" npm install --package-lock-only --no-audit --no-fund

clean:
	rm -rf $(VENV) frontend/node_modules src/unmask/web/static/unmask/dist var/static $(MO) $(PO:.po=.mo)
