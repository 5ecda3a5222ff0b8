"""Test settings: pytest (see tests/conftest.py for the SMTP server and the browser)."""

import os
import tempfile
from types import FrameType

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


class UndefinedTemplateVariable(str):
    """`string_if_invalid` of the tests: a variable a template of ours (templates/, tierslieux/*/templates/) reads
    but the context does not hold is an error, even behind `|default` (that is how `home_url`-like mistakes hide).

    pytest-django's --fail-on-template-vars does the same for every template, but the templates of django-dsfr,
    of Django's admin and of django-ninja test optional variables on purpose (`{{ x|default:… }}`) and cannot be
    changed from here. For them this object is false, so Django renders them exactly as in production (the filters
    apply to an empty string); so it is for a lookup through None (an optional relation: `file.envelope.name`). TL_TEMPLATE_VARS_RECORD=<file> appends each one to that file instead of failing.
    """

    def __new__(cls):
        return super().__new__(cls, "")

    @staticmethod
    def _ours() -> str | None:
        """The name of the template being rendered when it is one of ours, else None."""
        import sys

        frame: FrameType | None = sys._getframe(2)
        while frame is not None:
            if frame.f_code.co_name in ("render", "render_annotated", "resolve"):
                origin = getattr(frame.f_locals.get("self"), "origin", None)
                name = getattr(origin, "name", None)
                if isinstance(name, str):
                    return name if name.startswith(_OUR_TEMPLATES) and "/site-packages/" not in name else None
            frame = frame.f_back
        return None

    @staticmethod
    def _through_none() -> bool:
        """Whether the variable being resolved stops at a None on its way (`application.envelope.name` of a file
        without envelope): the idiom of optional relations (`|default:"—"`), not a missing variable."""
        import sys

        from django.template.base import FilterExpression, Variable, VariableDoesNotExist

        frame: FrameType | None = sys._getframe(2)
        while frame is not None and not isinstance(frame.f_locals.get("self"), FilterExpression):
            frame = frame.f_back
        if frame is None or not isinstance(frame.f_locals["self"].var, Variable):
            return False
        lookups, context = frame.f_locals["self"].var.lookups or (), frame.f_locals.get("context")
        if context is None:
            return False
        for length in range(1, len(lookups)):
            try:
                if Variable(".".join(lookups[:length])).resolve(context) is None:
                    return True
            except VariableDoesNotExist:
                return False
        return False

    def __bool__(self) -> bool:
        return self._ours() is not None and not self._through_none()

    def __contains__(self, key) -> bool:
        return key == "%s"

    def __mod__(self, variable) -> str:
        template = self._ours()
        if template is None:  # {% blocktranslate %} of a third-party template asks without testing first
            return ""
        message = f"Undefined template variable '{variable}' in '{template}'"
        record = os.environ.get("TL_TEMPLATE_VARS_RECORD")
        if record:
            with open(record, "a", encoding="utf-8") as out:
                out.write(message + "\n")
            return ""
        raise UndefinedTemplateVariableError(message)


class UndefinedTemplateVariableError(Exception):
    """Raised (not a VariableDoesNotExist, which templates would swallow) for an undefined variable of ours."""


_OUR_TEMPLATES = (str(BASE_DIR / "templates"), str(BASE_DIR / "tierslieux"))  # noqa: F405
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = UndefinedTemplateVariable()  # type: ignore[index]  # noqa: F405 (TEMPLATES: a list of dicts, typed object by the star import)
