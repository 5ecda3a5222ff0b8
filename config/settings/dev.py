"""Local development: `make run`. Never used in production."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-use-in-production"  # noqa: F405
DEMO_ACCOUNTS = True
# A fictitious grantor SIRET (valid key) so that the SCDL export works locally.
FOLLOWUP_GRANTOR_SIRET = FOLLOWUP_GRANTOR_SIRET or "13999999900010"  # noqa: F405
