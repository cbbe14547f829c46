# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test lint venv venv-dev messages clean

run: venv
	@scripts/run.sh

test:
	@scripts/test.sh

lint: venv-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo --no-cache
	SECRET_KEY=lint DATABASE_URL= REDIS_URL= $(PY) manage.py makemigrations --check --dry-run

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install -q -q -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install -q -q -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

venv: $(VENV)/.installed
venv-dev: $(VENV)/.installed-dev

# Refresh the Chinese catalogue after changing strings (needs GNU gettext).
messages: venv
	DEBUG=true $(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var
	DEBUG=true $(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf var/celery var/cache var/test_portal_*.sqlite3*
