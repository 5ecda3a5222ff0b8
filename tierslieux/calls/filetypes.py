"""What a file really is, from its content (magic bytes), not from its name. Plain Python.

Accepted: PDF, ODT, DOCX, PNG, JPEG. A renamed executable (or any other content) is refused.
"""

from __future__ import annotations

import zipfile
from typing import BinaryIO

MAX_SIZE = 10 * 1024 * 1024
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"

KINDS = {
    "pdf": ("application/pdf", ".pdf"),
    "odt": ("application/vnd.oasis.opendocument.text", ".odt"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "png": ("image/png", ".png"),
    "jpeg": ("image/jpeg", ".jpg"),
}


def _zip_kind(stream: BinaryIO) -> str | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                return "odt"
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                content_types = archive.read("[Content_Types].xml")
                if b"wordprocessingml.document.main+xml" in content_types:
                    return "docx"
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return None
    return None


def sniff(stream: BinaryIO) -> str | None:
    """The kind ("pdf", "odt", "docx", "png", "jpeg") of the file in `stream`, or None when not accepted."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    kind = None
    if head.startswith(b"%PDF-"):
        kind = "pdf"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    elif head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(stream)
    stream.seek(0)
    return kind
