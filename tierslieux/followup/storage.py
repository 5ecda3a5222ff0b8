"""Private files of the follow-up (signed agreements and amendments, report attachments): the calls' private
storage (never served by the web server, only through permission-checked views), random names."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.utils import timezone

from tierslieux.calls.storage import private_storage

__all__ = ["private_storage", "upload_name"]


def upload_name(instance, filename: str) -> str:
    """`followup/<year>/<random>.<ext>`: the stored name tells nothing about the file or its owner."""
    suffix = Path(filename).suffix.lower()[:8]
    return f"followup/{timezone.now():%Y}/{secrets.token_urlsafe(24)}{suffix}"
