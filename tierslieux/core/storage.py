"""Private files (application attachments, files waiting to be imported): on any Django storage, never served
directly. `STORAGES["private"]` is the local `PrivateFileSystemStorage` (rooted at `PRIVATE_MEDIA_ROOT`) by
default, an S3-compatible bucket with `STORAGE_BACKEND=s3` (config/settings/base.py). Code reads and writes
private files only through `private_storage` (or a FileField using it), and people get them only from the
permission-checked views, which stream them (`FileResponse`): no private file has a URL."""

from __future__ import annotations

from datetime import datetime
from os import PathLike
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateFileSystemStorage(FileSystemStorage):
    """FileSystemStorage rooted at `settings.PRIVATE_MEDIA_ROOT`, read at each access (tests override it)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> Path:
        return Path(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return str(Path(settings.PRIVATE_MEDIA_ROOT).resolve())

    @property
    def base_url(self) -> None:  # type: ignore[override]  # no URL at all: the stubs want a str
        return None


class PrivateStorage(Storage):
    """Whatever `STORAGES["private"]` is, looked up at each use (so settings and tests can change it)."""

    @property
    def backend(self) -> Storage:
        return storages["private"]

    def open(self, name: str, mode: str = "rb") -> File[Any]:
        return self.backend.open(name, mode)

    def save(self, name: str | None, content: IO[Any], max_length: int | None = None) -> str:
        return self.backend.save(name, content, max_length=max_length)

    def delete(self, name: str) -> None:
        return self.backend.delete(name)

    def exists(self, name: str) -> bool:
        return self.backend.exists(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return self.backend.listdir(path)

    def size(self, name: str) -> int:
        return self.backend.size(name)

    def get_modified_time(self, name: str) -> datetime:
        return self.backend.get_modified_time(name)

    def get_valid_name(self, name: str) -> str:
        return self.backend.get_valid_name(name)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return self.backend.get_available_name(name, max_length=max_length)

    def generate_filename(self, filename: str | PathLike[str]) -> str:
        return self.backend.generate_filename(filename)

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no URL: serve them through a permission-checked view")


private_storage = PrivateStorage()
