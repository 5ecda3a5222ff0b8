#!/bin/sh
# The processes of a deployment, one command each: the same for `make serve`, the Dockerfile and compose.yaml
# (tests/core/test_serve.py checks they agree). docs/deployment.md explains how they fit together.
#   release    apply migrations and create the cache table (once per deployment, before the others start)
#   static     collect the static files (at image build time, or once for `make serve`)
#   web        the HTTP server (gunicorn, config/gunicorn.conf.py)
#   worker     a background task worker (django-tasks-db; run as many as needed)
#   scheduler  the periodic-job scheduler (several may run: one holds the lease)
set -eu
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.prod}"
command=${1:-web}
[ $# -gt 0 ] && shift
case "$command" in
  release)
    "$PYTHON" manage.py migrate --noinput
    "$PYTHON" manage.py createcachetable ;;
  static) exec "$PYTHON" manage.py collectstatic --noinput --verbosity 0 ;;
  web) exec "$PYTHON" -m gunicorn --config config/gunicorn.conf.py "$@" ;;
  worker) exec "$PYTHON" manage.py db_worker --interval 1 --no-reload "$@" ;;
  scheduler) exec "$PYTHON" manage.py scheduler "$@" ;;
  *) echo "usage: $0 release|static|web|worker|scheduler" >&2; exit 64 ;;
esac
