# The production image: one image, four roles (deploy/entrypoint.sh): release, web, worker, scheduler.
# compose.yaml runs them beside PostgreSQL; docs/deployment.md scales them out.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.prod \
    LOG_FORMAT=json \
    WEB_BIND=0.0.0.0:8000 \
    PYTHON=python

WORKDIR /app
RUN useradd --system --create-home --uid 10001 tierslieux
COPY pyproject.toml README.md ./
COPY config ./config
COPY tierslieux ./tierslieux
RUN pip install ".[s3,redis]"
COPY manage.py ./
COPY deploy ./deploy
COPY static ./static
COPY templates ./templates
# Static files are part of the image (WhiteNoise serves them, compressed and with hashed names), and so is
# the compiled coverage kernel (numba's cache), so no process compiles it at run time.
ENV NUMBA_CACHE_DIR=/app/.numba-cache
RUN DJANGO_SECRET_KEY=build-only deploy/entrypoint.sh static \
    && python -c "from tierslieux.geo.coverage.kernel import warm; warm()" \
    && chown -R tierslieux /app/.numba-cache \
    && mkdir -p /data/media /data/private_media && chown -R tierslieux /data
ENV MEDIA_ROOT=/data/media PRIVATE_MEDIA_ROOT=/data/private_media
USER tierslieux
EXPOSE 8000
# The web role's health (/sante/, asked with the first allowed host name); compose turns it off for the others.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD python -c "import os, sys, urllib.request; \
host = os.environ.get('DJANGO_ALLOWED_HOSTS', 'localhost').split(',')[0]; \
request = urllib.request.Request('http://127.0.0.1:8000/sante/', headers={'Host': host}); \
sys.exit(urllib.request.urlopen(request, timeout=4).status != 200)"
ENTRYPOINT ["deploy/entrypoint.sh"]
CMD ["web"]
