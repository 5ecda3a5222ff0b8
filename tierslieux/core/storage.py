"""Private files (application attachments, files waiting to be imported): on any Django storage, never served
directly. `STORAGES["private"]` is the local `PrivateFileSystemStorage` (rooted at `PRIVATE_MEDIA_ROOT`) by
default, an S3-compatible bucket with `STORAGE_BACKEND=s3` (config/settings/base.py). Code reads and writes
private files only through `private_storage` (or a FileField using it), and people get them only from the
permission-checked views, which stream them (`FileResponse`): no private file has a URL."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateFileSystemStorage(FileSystemStorage):
    """FileSystemStorage rooted at `settings.PRIVATE_MEDIA_ROOT`, read at each access (tests override it)."""

    def __init__(self, **options):
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


class PrivateStorage(Storage):
    """Whatever `STORAGES["private"]` is, looked up at each use (so settings and tests can change it)."""

    @property
    def backend(self) -> Storage:
        return storages["private"]

    def open(self, name, mode="rb"):
        return self.backend.open(name, mode)

    def save(self, name, content, max_length=None):
        return self.backend.save(name, content, max_length=max_length)

    def delete(self, name):
        return self.backend.delete(name)

    def exists(self, name):
        return self.backend.exists(name)

    def listdir(self, path):
        return self.backend.listdir(path)

    def size(self, name):
        return self.backend.size(name)

    def get_modified_time(self, name):
        return self.backend.get_modified_time(name)

    def get_valid_name(self, name):
        return self.backend.get_valid_name(name)

    def get_available_name(self, name, max_length=None):
        return self.backend.get_available_name(name, max_length=max_length)

    def generate_filename(self, filename):
        return self.backend.generate_filename(filename)

    def url(self, name):
        raise ValueError("private files have no URL: serve them through a permission-checked view")


private_storage = PrivateStorage()
