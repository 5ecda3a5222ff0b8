"""Gunicorn, the production HTTP server (`make serve`, the Dockerfile's `web`): `gunicorn -c config/gunicorn.conf.py`.

Threaded workers (gthread): the pages wait on the database more than they compute, and threads share each
worker's in-memory atlas index. The application is loaded and warmed (atlas index built) in the master
before the workers fork (`preload_app`), so a new worker — at start, or when `max_requests` recycles one —
serves its first request warm and shares the index's memory with its siblings until it rebuilds its own.
Every value can be changed from the environment (docs/environment.md)."""

import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", str(max(2, os.cpu_count() or 1))))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
preload_app = True
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (bounded memory growth); jitter so they do not all restart at once.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# The reverse proxy / load balancer that may set X-Forwarded-* (comma-separated addresses, "*" for any).
forwarded_allow_ips = os.environ.get("WEB_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Access lines come from the application (tierslieux.request, with the request id): no second access log.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
control_socket_disable = True


def when_ready(server):
    """In the master, after the application is loaded and before any worker forks: warm the caches the
    workers share, then close the master's database connections (a forked worker must open its own)."""
    from django.db import connections

    from tierslieux.geo.coverage import kernel
    from tierslieux.places import index

    kernel.warm()  # the compiled coverage kernel, loaded once for every worker
    try:
        built = index.warm()
        server.log.info("atlas index warm: %s places", len(built))
        _warm_pages()
    except Exception as error:  # noqa: BLE001 (best effort: no database yet before the first migrate, or a page
        # failing, must not stop the server from starting; workers build the index on use)
        server.log.warning("not warmed: %s", error)
    finally:
        connections.close_all()


WARM_PATHS = ("/", "/lieux/", "/territoires/", "/api/v1/places", "/api/v1/places/clusters", "/sante/")


def _warm_paths() -> list[str]:
    """WARM_PATHS, then the pages of a published place and of the most populated commune (the heaviest commune
    page: its first render loads what every commune page reads, ≈ 4 s when a worker paid it on a loaded machine)."""
    from django.urls import reverse

    from tierslieux.geo.models import Commune
    from tierslieux.places.models import Place

    paths = list(WARM_PATHS)
    place = Place.objects.published().only("slug").order_by("pk").first()
    if place is not None:
        paths.append(reverse("places:detail", args=[place.slug]))
    commune = Commune.objects.filter(population__isnull=False).order_by("-population").only("insee").first()
    if commune is not None:
        paths.append(reverse("geo:commune", args=[commune.insee]))
    return paths


def _warm_pages():
    """A first request to the pages people open most, in the master: imports, URL resolution, compiled
    templates and the values they compute are then shared by every worker (forked from the master) instead of
    being paid by each worker's first visitor."""
    from django.conf import settings
    from django.test import Client

    host = next((h for h in settings.ALLOWED_HOSTS if h and not h.startswith((".", "*"))), "localhost")
    client = Client(SERVER_NAME=host)
    for path in _warm_paths():
        client.get(path, secure=True, HTTP_X_REQUEST_ID="warm-up")
