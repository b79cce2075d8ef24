# Rights Monitor. `make run` and `make test` work on a fresh machine; see README.md.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
# Looked up each time it is used, so that it finds uv once the `uv` target has installed it.
UV = $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
RUN = $(UV) run --frozen
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve install uv migrate demo test test-sqlite test-postgres test-resilience soak lint checks messages vendor bench bench-load chromium office clean

run: install migrate demo ## Install, migrate, load the demo plan once, serve on http://127.0.0.1:8000
	$(RUN) python manage.py demo_logins
	@# The background worker (file generation, daily reminders) runs beside the server and stops with it.
	$(RUN) python manage.py worker --interval 1 --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(RUN) python manage.py runserver $(HOST):$(PORT)

serve: install ## The production stack locally: gunicorn, DEBUG off, static files, the worker (scripts/serve.sh)
	RUN="$(RUN)" HOST=$(HOST) PORT=$(PORT) bash scripts/serve.sh

uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	@$(UV) --version >/dev/null || { echo "uv could not be installed" >&2; exit 1; }

install: uv
	$(UV) sync --frozen

migrate: install
	$(RUN) python manage.py migrate --no-input

demo: migrate
	$(RUN) python manage.py load_demo

# All tests: checks, then the suite on SQLite, then on PostgreSQL when reachable (required with CI=true).
test: install checks chromium office test-sqlite test-postgres

checks: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy rightsmonitor
	$(RUN) python manage.py makemigrations --check --dry-run
	$(RUN) python manage.py check
	DEBUG=false SECRET_KEY=$$(python3 -c 'import secrets; print(secrets.token_urlsafe(64))') \
	  FEEDBACK_KEYS=$$(python3 -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())') \
	  ALLOWED_HOSTS=rights.example.org $(RUN) python manage.py check --deploy --fail-level WARNING

test-sqlite: install
	$(RUN) pytest -n 2 --dist loadfile

test-postgres: install
	@if $(RUN) python scripts/db_reachable.py "$(PG_TEST_URL)"; then \
	  DATABASE_URL="$(PG_TEST_URL)" $(RUN) pytest -n 2 --dist loadfile; \
	elif [ "$$CI" = "true" ]; then \
	  echo "PostgreSQL at $(PG_TEST_URL) is required with CI=true but is not reachable" >&2; exit 1; \
	else \
	  echo "PostgreSQL not reachable at $(PG_TEST_URL): skipping the PostgreSQL pass"; \
	fi

# The application in real processes under faults (resilience/): two gunicorn servers on one
# PostgreSQL and Redis, a worker killed during an import, PostgreSQL restarted under load.
# Needs PostgreSQL (RESILIENCE_PG, default the local server) and redis-server; about 4 minutes.
test-resilience: install
	$(RUN) pytest resilience -p no:django -p no:xdist -p no:cacheprovider -W ignore::pytest.PytestConfigWarning -q

# The five-minute load run (resilience/test_soak.py; CI runs it for 45 s).
soak: install
	SOAK_SECONDS=300 $(RUN) pytest resilience/test_soak.py -p no:django -p no:xdist -p no:cacheprovider -W ignore::pytest.PytestConfigWarning -q -s

# The browser tests drive Debian's chromium; this installs it (with apt-get) only when missing, and says so.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "chromium not found: installing Debian's chromium (apt-get) for the browser tests" >&2; \
	  apt-get update -qq && apt-get install -y -qq chromium; }

# The print checks of generated workbooks and Word files convert them with LibreOffice (headless)
# and read the PDF with poppler; installed (apt-get) only when missing, and said so.
office:
	@command -v soffice >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 || { \
	  echo "soffice or pdftotext not found: installing Debian's LibreOffice (nogui) and poppler-utils (apt-get)" >&2; \
	  apt-get update -qq && apt-get install -y -qq libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils; }

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy rightsmonitor

messages: install
	$(RUN) python manage.py makemessages -l ru -l kk --ignore=.venv --ignore=node_modules --no-obsolete
	$(RUN) python manage.py compilemessages --ignore=.venv

vendor:
	bash scripts/vendor.sh

clean:
	rm -rf var/ .mypy_cache .ruff_cache

# The load benchmark runs on its own PostgreSQL database, filled once with bench/dataset.py.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/rm_bench
# The cold pass (the shared cache off) adds 5 minutes: BENCH_LOAD_PASSES=cold,signed-in,anonymous
BENCH_LOAD_PASSES ?= signed-in,anonymous

bench-load: install ## Pages under load: gunicorn, 8 connections (hey), on the synthetic data set in PostgreSQL
	@command -v hey >/dev/null 2>&1 || { echo "hey not found: installing Debian's hey (apt-get)" >&2; \
	  apt-get update -qq && apt-get install -y -qq hey; }
	@psql -h 127.0.0.1 -U postgres -lqt | cut -d'|' -f1 | grep -qw rm_bench || \
	  createdb -h 127.0.0.1 -U postgres rm_bench
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(RUN) python manage.py migrate --no-input -v0
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(RUN) python bench/dataset.py
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(RUN) python bench/load.py --seconds 6 --passes $(BENCH_LOAD_PASSES)

bench: install ## Scaling of pages, API, plan tables and assessments, as ratios against a baseline in the same run
	$(RUN) python bench/run.py
	$(RUN) python bench/assessments.py
	$(RUN) python bench/indicators.py
	$(RUN) python bench/recommendations.py
	$(RUN) python bench/exports.py
