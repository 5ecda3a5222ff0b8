"""Test settings: pytest (see tests/conftest.py for the SMTP server and the browser)."""

import os
import tempfile

from .base import *  # noqa: F403

SECRET_KEY = "test-only-insecure-key"  # noqa: S105 (the tests' own)
DEBUG = False
DEMO_ACCOUNTS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run immediately in tests, still after the transaction commits.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The SMTP server is a real one started by the tests on loopback (tests/conftest.py sets EMAIL_PORT to its port).
EMAIL_HOST = "127.0.0.1"
MAP_TILES_URL = ""
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405 (uploads: base.py)

# The SQLite test database is a file, as in production, not Django's shared-cache in-memory database: a shared
# cache refuses a second writer at once ("database table is locked") instead of waiting `timeout` seconds, so
# browser tests, where the page's autosave and a button's submit may overlap, would fail on SQLite only.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"tierslieux-test-{os.getpid()}.sqlite3")
    }
# A fictitious grantor SIRET (valid key) for the SCDL export.
FOLLOWUP_GRANTOR_SIRET = FOLLOWUP_GRANTOR_SIRET or "13999999900010"  # noqa: F405

# The ICS import tests serve calendars from a loopback HTTP server (production refuses private addresses).
NETWORK_ICS_ALLOW_PRIVATE = True
NETWORK_ICS_TIMEOUT = 1.0
ATLAS_INDEX_BACKGROUND = False  # rebuilt in the request after a change: each test sees its own places at once
PAGE_CACHE_SECONDS = 0  # cached reads off (the cache table outlives transactional tests); tests/core/test_read_cache.py turns them on
CACHE_VERSION_SECONDS = 0  # every read sees the shared versions (tests clear the shared cache)
