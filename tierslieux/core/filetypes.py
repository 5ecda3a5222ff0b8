"""What a file really is, from its content (magic bytes), not from its name. Plain Python.

`sniff(stream, accepted=…)` returns the kind of the file when it is one of `accepted`, else None: a renamed
executable (or any other content) is refused. The default is what application attachments accept (PDF, ODT,
DOCX, PNG, JPEG); the network's resource library also takes spreadsheets and slides, and event images PNG,
JPEG and WebP.
"""

from __future__ import annotations

import zipfile
from collections.abc import Collection
from typing import BinaryIO

MAX_SIZE = 10 * 1024 * 1024
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
OPENDOCUMENT_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
OOXML_PARTS = {
    # kind: (main part, content type of the main part)
    "docx": ("word/document.xml", b"wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", b"spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml", b"presentationml.presentation.main+xml"),
}

KINDS = {
    "pdf": ("application/pdf", ".pdf"),
    "odt": ("application/vnd.oasis.opendocument.text", ".odt"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "png": ("image/png", ".png"),
    "jpeg": ("image/jpeg", ".jpg"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", ".ods"),
    "odp": ("application/vnd.oasis.opendocument.presentation", ".odp"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"),
    "webp": ("image/webp", ".webp"),
}
DOCUMENTS = frozenset({"pdf", "odt", "docx", "png", "jpeg"})
"""What application attachments accept (the default of `sniff`)."""
IMAGES = frozenset({"png", "jpeg", "webp"})


def _zip_kind(stream: BinaryIO) -> str | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                return OPENDOCUMENT_MIMETYPES.get(archive.read("mimetype").strip())
            if "[Content_Types].xml" in names:
                content_types = archive.read("[Content_Types].xml")
                for kind, (part, marker) in OOXML_PARTS.items():
                    if part in names and marker in content_types:
                        return kind
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return None
    return None


def sniff(stream: BinaryIO, accepted: Collection[str] = DOCUMENTS) -> str | None:
    """The kind of the file in `stream` (a key of KINDS) when it is in `accepted`, else None."""
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
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        kind = "webp"
    elif head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(stream)
    stream.seek(0)
    return kind if kind in accepted else None
