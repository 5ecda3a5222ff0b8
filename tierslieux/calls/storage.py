"""Private storage of application attachments (`tierslieux.core.storage`): never served by the web server,
only through a permission-checked view. Files get random names; the original name is kept in the database."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.utils.deconstruct import deconstructible

from tierslieux.core.storage import PrivateStorage as CorePrivateStorage


@deconstructible(path="tierslieux.calls.storage.PrivateStorage")
class PrivateStorage(CorePrivateStorage):
    """The platform's private storage (kept under this name for the attachments' migrations)."""


private_storage = PrivateStorage()


def random_upload_name(instance, filename: str) -> str:
    """`calls/<year>/<random>.<ext>`: the stored name tells nothing about the file or its owner."""
    suffix = Path(filename).suffix.lower()[:8]
    from django.utils import timezone

    return f"calls/{timezone.now():%Y}/{secrets.token_urlsafe(24)}{suffix}"
