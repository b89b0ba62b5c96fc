# The two commands: `make run` (the portal on its embedded default) and `make test`;
# `make bench` measures the portal under load (bench/README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
# The browser tests drive Debian's Chromium; without it they are skipped with a notice.
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM

.PHONY: run test bench lint format messages migrations clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) load_ssr_defaults
	$(MANAGE) create_demo_users
	@echo "The portal runs at http://127.0.0.1:8000 (stop with Ctrl-C)."
	$(MANAGE) runserver 127.0.0.1:8000

test: $(STAMP)
	$(BIN)/python scripts/check_services.py
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=ssr_portal.test_settings $(MANAGE) makemigrations --check --dry-run
	@test -x $(CHROMIUM) || echo "NOTICE: $(CHROMIUM) is missing, so the browser tests (journeys, axe, mobile) are SKIPPED. Install it with: apt-get install -y chromium"
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

# Benchmarks: PostgreSQL databases ssr_bench* (dropped and re-created) and Redis database 6.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ssr_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/6
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	TEST_DATABASE_URL=$(BENCH_DATABASE_URL) TEST_REDIS_URL=$(BENCH_REDIS_URL) $(BIN)/python scripts/check_services.py
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) BENCH_REDIS_URL=$(BENCH_REDIS_URL) $(BIN)/python -m bench.run $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext (apt-get install gettext); the compiled catalogue is committed.
messages: $(STAMP)
	$(MANAGE) makemessages --locale sv --locale en --ignore '.venv/*' --ignore 'staticfiles/*' --ignore 'tests/*'
	$(MANAGE) compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
