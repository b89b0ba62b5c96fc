# The two commands: `make run` (the portal on its embedded default) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
# The browser tests drive Debian's Chromium; without it they are skipped with a notice.
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM

.PHONY: run test lint format messages migrations clean

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

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext (apt-get install gettext); the compiled catalogue is committed.
messages: $(STAMP)
	$(MANAGE) makemessages --locale sv --locale en --ignore '.venv/*' --ignore 'staticfiles/*'
	$(MANAGE) compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
