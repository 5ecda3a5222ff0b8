"""Test settings: pytest (see tests/conftest.py for the SMTP server and the browser)."""

import os

from .base import *  # noqa: F403

SECRET_KEY = "test-only-insecure-key"
DEBUG = False
DEMO_ACCOUNTS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run immediately in tests, still after the transaction commits.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The SMTP server is a real one started by the tests on loopback; its port is set by tests/conftest.py.
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ.get("TEST_SMTP_PORT", "2525"))
MAP_TILES_URL = ""
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
