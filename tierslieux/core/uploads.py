"""Upload limits enforced while the body streams in, before anything is stored or parsed further.

`SizeLimitUploadHandler` (first of FILE_UPLOAD_HANDLERS) stops the upload as soon as the declared body is over
UPLOAD_MAX_REQUEST_SIZE or one file is over UPLOAD_MAX_FILE_SIZE; `UploadTooLarge` is turned into the French
413 page by `tierslieux.core.middleware.RequestSizeLimitMiddleware` (raised in a view) or by
`tierslieux.core.views.error_400` (raised while the CSRF middleware reads the POST data)."""

from __future__ import annotations

from typing import IO, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler


class UploadTooLarge(RequestDataTooBig):
    """A request body or an uploaded file exceeds the configured limit. A RequestDataTooBig, so Django marks
    the POST data unreadable and, when it is raised outside a view (the CSRF check reads POST data), answers
    through handler400, which turns it into the 413 page (tierslieux.core.views.error_400)."""


class SizeLimitUploadHandler(FileUploadHandler):
    """Counts the bytes of each file as they arrive and aborts past the limit (nothing is kept)."""

    def handle_raw_input(
        self,
        input_data: IO[bytes],
        META: dict[str, str],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        if content_length and content_length > settings.UPLOAD_MAX_REQUEST_SIZE:
            raise UploadTooLarge()
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received = start + len(raw_data)
        if self.received > settings.UPLOAD_MAX_FILE_SIZE:
            raise UploadTooLarge()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
