# Liaison — the two commands a newcomer needs are `make run` and `make test` (README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.8
UV := var/tools/bin/uv
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

# Each blocking thread keeps its own database connection (CONN_MAX_AGE): bound them, so two
# workers never open more connections than PostgreSQL's default max_connections allows.
GRANIAN_THREADS := --blocking-threads 8 --backpressure 8

.PHONY: run test lint install assets migrate demo serve worker periodic messages e2e fuzz clean help

help:
	@echo "make run    — install, migrate, load the demo data and serve on http://$(HOST):$(PORT)"
	@echo "make test   — the whole suite (installs what it needs first)"
	@echo "make lint   — ruff, mypy, makemigrations --check"

# ---- installation --------------------------------------------------------------------------

$(UV):
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv var/tools
	var/tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --python $(PYTHON) --quiet
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed

# Vendor assets are copied from npm packages into static/vendor: served by us, never a CDN.
assets: node_modules/.installed
	mkdir -p static/vendor/bootstrap static/vendor/htmx static/vendor/echarts
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map static/vendor/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map static/vendor/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts/

static: install assets
	$(MANAGE) collectstatic --noinput --verbosity 0

# ---- run -----------------------------------------------------------------------------------

migrate: install
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) load_demo

# The web server (granian, WSGI), the background worker and the periodic timer run side by
# side; Ctrl-C stops all three.
run: static demo
	@echo "Serving on http://$(HOST):$(PORT)/  (API docs: http://$(HOST):$(PORT)/api/v1/docs)"
	@trap 'kill 0' INT TERM EXIT; \
	$(MANAGE) db_worker & \
	$(MANAGE) periodic --loop & \
	$(VENV)/bin/granian --interface wsgi --host $(HOST) --port $(PORT) --workers 2 $(GRANIAN_THREADS) --log-level warning config.wsgi:application

# ---- benchmark (PERFORMANCE.md, bench/README.md) -------------------------------------------

# BENCH_DATABASE_URL=postgres://… benchmarks on PostgreSQL (default: SQLite under var/bench/);
# BENCH_SCALE=0.1 generates a tenth of the province-sized data set.
BENCH_DATABASE_URL ?=
BENCH_SCALE ?= 1

.PHONY: bench
bench: static
	@command -v wrk >/dev/null || { apt-cache policy wrk; \
		if [ "$$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null \
			|| { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }; \
		else echo "make bench needs Debian's wrk: sudo apt-get install wrk"; exit 1; fi; }
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) BENCH_SCALE=$(BENCH_SCALE) $(PY) -m bench.run

# S21 kill -9 drill on a throwaway PostgreSQL cluster (bench/kill9.py); not part of `make test`.
.PHONY: kill9
kill9: install
	$(PY) -m bench.kill9

# ---- quality -------------------------------------------------------------------------------

# Browser journeys need Debian's chromium and CJK fonts; installed here when missing.
browser:
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
		else echo "Browser journeys need: sudo apt-get install chromium fonts-noto-cjk"; fi; \
	fi

test: static browser
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run
	$(MAKE) --no-print-directory messages
	@git diff --quiet -I 'POT-Creation-Date' -- locale || { git diff --stat -- locale; echo "Translation catalogs were out of date: commit locale/ after translating the new strings."; exit 1; }

# Extract every UI string into the zh_Hant and en catalogs (zh-hans is the source language)
# and compile them; the compiled .mo files are committed so no machine needs gettext to run.
MESSAGE_FLAGS := --no-obsolete --no-location --ignore=.venv --ignore=node_modules --ignore=var --ignore=staticfiles --ignore=static
messages: install
	@command -v msgmerge >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; } || { echo "make messages needs GNU gettext: sudo apt-get install gettext"; exit 1; }
	$(MANAGE) makemessages --locale=zh_Hant --locale=en $(MESSAGE_FLAGS) --verbosity 0
	$(MANAGE) compilemessages --locale=zh_Hant --locale=en --ignore=.venv --verbosity 0

fuzz: install
	HYPOTHESIS_PROFILE=dev LIAISON_FUZZ_EXAMPLES=500 $(PY) -m pytest liaison/api/tests/test_schemathesis.py -p no:xdist

clean:
	rm -rf $(VENV) var/tools node_modules static/vendor staticfiles
