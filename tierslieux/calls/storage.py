"""Private storage of application attachments: never served by the web server, only through a
permission-checked view. Files get random names; the original name is kept in the database."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(FileSystemStorage):
    """FileSystemStorage rooted at `settings.PRIVATE_MEDIA_ROOT`, read at each access (tests override it)."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return Path(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return str(Path(settings.PRIVATE_MEDIA_ROOT).resolve())

    @property
    def base_url(self):
        return None


private_storage = PrivateStorage()


def random_upload_name(instance, filename: str) -> str:
    """`calls/<year>/<random>.<ext>`: the stored name tells nothing about the file or its owner."""
    suffix = Path(filename).suffix.lower()[:8]
    from django.utils import timezone

    return f"calls/{timezone.now():%Y}/{secrets.token_urlsafe(24)}{suffix}"
