# servicehall — the README's commands. Each target sets up what it needs.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SH := $(VENV)/bin/servicehall
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_UNIT := -m "not browser and not bench"
# These targets run on the published development key; settings.py refuses it anywhere else (production sets
# SERVICEHALL_SECRET_KEY, see README "Install on a Debian server").
export SERVICEHALL_INSECURE_DEV_KEY ?= true

.PHONY: demo test bench lint install messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## make demo: set up, migrate SQLite, load the demo center and a month of history, print logins,
## serve on 127.0.0.1:8000 with the production server (gunicorn) and the worker (servicehall serve)
demo: $(STAMP)
	$(SH) migrate --noinput -v0
	$(SH) demo --devices
	@echo "serving on http://$(HOST):$(PORT)/ with the worker  (Ctrl-C stops both)"
	SERVICEHALL_BIN=$(SH) scripts/serve $(HOST):$(PORT)

## make test: ruff, mypy, the suite on SQLite, again on a throwaway PostgreSQL, then the browser tests
test: $(STAMP)
	$(VENV)/bin/ruff check src tests scripts
	$(VENV)/bin/mypy
	$(PY) -m pytest $(PYTEST_UNIT) -q
	scripts/with-postgres --replica $(PY) -m pytest $(PYTEST_UNIT) -q
	@if [ -x /usr/bin/chromium ]; then $(PY) -m pytest -m browser -q tests/browser; \
	 else echo "SKIPPED: chromium not found (browser tests)"; fi

## make bench: benchmarks, each against a baseline measured in the same run. Every benchmark runs even when one
## misses its target; each run ends with one table of figures and ratios; the exit is non-zero if any missed.
bench: $(STAMP)
	@status=0; \
	 $(PY) -m pytest -m "bench and not postgres_only" -q -s tests/bench || status=1; \
	 scripts/with-postgres $(PY) -m pytest -m "bench and postgres" -q -s tests/bench || status=1; \
	 exit $$status

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests scripts
	$(VENV)/bin/mypy

## make messages: refresh the zh-Hans catalog from the code and compile it (needs GNU gettext); new texts are
## translated in src/servicehall/locale/zh_Hans/LC_MESSAGES/django.po (Poedit, Weblate or an editor)
messages: $(STAMP)
	cd src/servicehall && ../../$(SH) makemessages -l zh_Hans --no-obsolete && ../../$(SH) compilemessages -l zh_Hans
