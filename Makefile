# The two commands of a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run serve data test lint format bench clean lock

$(VENV)/.installed: pyproject.toml requirements.lock package.json
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade --quiet pip
	$(PY) -m pip install --progress-bar on -c requirements.lock -e '.[dev,s3]'
	npm install --no-audit --no-fund
	@touch $@

install: $(VENV)/.installed

# Reference geography, real third places and (dev settings only) demo accounts; every step is idempotent.
data: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py load_geo
	$(PY) manage.py load_places
	$(PY) manage.py compute_coverage
	$(PY) manage.py load_demo
	$(PY) manage.py load_demo_calls
	$(PY) manage.py load_demo_followup
	$(PY) manage.py load_demo_network
	$(PY) manage.py load_demo_news

run: data
	@echo "Tiers-Lieux : http://$(HOST):$(PORT)/  (Ctrl+C pour arrêter ; le worker des tâches et le planificateur tournent à côté)"
	@trap 'kill 0' INT TERM EXIT; \
	$(PY) manage.py db_worker --interval 1 & \
	$(PY) manage.py scheduler & \
	$(PY) manage.py runserver $(HOST):$(PORT)

# Production settings on this machine: the same roles as the Dockerfile and compose.yaml (deploy/entrypoint.sh):
# release (migrate, cache table), static files, then gunicorn, one task worker and the scheduler together.
# PostgreSQL with DATABASE_URL=postgres://…, SQLite otherwise; plain HTTP on $(HOST):$(PORT) (no TLS locally).
serve: install
	@export DJANGO_SETTINGS_MODULE=config.settings.prod PYTHON=$(PY) WEB_BIND=$(HOST):$(PORT) \
	  DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
	  DJANGO_SECURE_SSL_REDIRECT="$${DJANGO_SECURE_SSL_REDIRECT:-0}"; \
	deploy/entrypoint.sh release && deploy/entrypoint.sh static && \
	echo "Tiers-Lieux (production) : http://$(HOST):$(PORT)/  — santé : http://$(HOST):$(PORT)/sante/" && \
	trap 'kill 0' INT TERM EXIT; \
	deploy/entrypoint.sh worker & \
	deploy/entrypoint.sh scheduler & \
	deploy/entrypoint.sh web

# The suite runs on every core (pytest-xdist; each worker has its own test database and browser).
PYTEST_WORKERS ?= auto
test: install
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(VENV)/bin/djlint --lint templates tierslieux

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	for script in bench/*.py; do $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3 db.sqlite3-*

# Re-resolve the Python dependencies from pyproject.toml in a fresh environment and pin them (requirements.lock).
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade pip
	.lock-venv/bin/pip install --quiet -e '.[dev,s3]'
	{ echo "# Exact versions of every Python package CI tested (constraints for make install; regenerate with make lock)."; \
	  .lock-venv/bin/pip freeze --exclude-editable | grep -v '^tierslieux'; } > requirements.lock
	rm -rf .lock-venv
