"""Production settings with plain static storage, for tests that run the production server without
collecting the static files first (the manifest storage needs `collectstatic`; tests/core/test_serve.py runs
the real thing)."""

from config.settings.prod import *  # noqa: F403
from config.settings.prod import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
