# The two commands of a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run serve data test lint format bench clean

$(VENV)/.installed: pyproject.toml package.json
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade --quiet pip
	$(PY) -m pip install --progress-bar on -e '.[dev]'
	npm install --no-audit --no-fund
	@touch $@

install: $(VENV)/.installed

# Reference geography, real third places and (dev settings only) demo accounts; every step is idempotent.
data: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_geo
	$(PY) manage.py load_places
	$(PY) manage.py compute_coverage
	$(PY) manage.py load_demo
	$(PY) manage.py load_demo_calls
	$(PY) manage.py load_demo_followup
	$(PY) manage.py load_demo_network

run: data
	@echo "Tiers-Lieux : http://$(HOST):$(PORT)/  (Ctrl+C pour arrêter ; le worker des tâches et le planificateur tournent à côté)"
	@trap 'kill 0' INT TERM EXIT; \
	$(PY) manage.py db_worker --interval 1 & \
	$(PY) manage.py scheduler & \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	for script in bench/*.py; do $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3 db.sqlite3-*
