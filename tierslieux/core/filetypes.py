"""What a file really is, from its content, not from its name. Plain Python (no Django).

`sniff(stream, accepted=…)` returns the kind of the file (a key of `KINDS`) when it is one of `accepted`, else
None. The kind is read from the magic bytes (puremagic), then the structure is checked by a real parser: a PDF
must open with pypdf and have a page, an image must decode with Pillow, an office document must be the zip
package its type says. A renamed executable, a truncated file or a polyglot (a file starting `%PDF-` followed
by HTML) is refused. The default is what application attachments accept (PDF, ODT, DOCX, PNG, JPEG); the
network's resource library also takes spreadsheets and slides, and event images PNG, JPEG and WebP.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Collection
from typing import BinaryIO

import puremagic
import pypdf
from PIL import Image, UnidentifiedImageError

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
# Markup a browser would run if the file were ever served as HTML: refused at the start of any document.
MARKUP = re.compile(rb"<\s*(?:!doctype|html|head|body|script|iframe|svg|object|embed|meta)\b", re.IGNORECASE)
SNIFF_BYTES = 4096
# Pillow refuses to decode images of more pixels than this (decompression bombs).
MAX_IMAGE_PIXELS = 80_000_000

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

MAGIC_KINDS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpeg",
    "image/webp": "webp",
    "application/zip": "zip",
    **{mime: "zip" for mime, _suffix in KINDS.values() if "opendocument" in mime or "openxmlformats" in mime},
}


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
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError, EOFError):
        return None
    return None


def _magic_kind(stream: BinaryIO) -> str | None:
    try:
        matches = puremagic.magic_stream(stream)
    except (puremagic.PureError, ValueError, OSError):
        return None
    finally:
        stream.seek(0)
    for match in matches:
        kind = MAGIC_KINDS.get(match.mime_type)
        if kind:
            return kind
    return None


def _pdf_ok(stream: BinaryIO) -> bool:
    try:
        reader = pypdf.PdfReader(stream, strict=False)
        return len(reader.pages) >= 1
    except Exception:  # noqa: BLE001 - pypdf raises many kinds of errors on a broken file: all mean "refused"
        return False


def _image_ok(stream: BinaryIO, expected: str) -> bool:
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(stream) as image:
            if (image.format or "").lower() != expected:
                return False
            image.load()  # decodes every pixel: a truncated or forged image fails here
        return True
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return False


def sniff(stream: BinaryIO, accepted: Collection[str] = DOCUMENTS) -> str | None:
    """The kind of the file in `stream` (a key of KINDS) when it is in `accepted` and well formed, else None."""
    stream.seek(0)
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    kind = _magic_kind(stream)
    if kind == "zip":
        kind = _zip_kind(stream)
    elif kind == "pdf":
        if not head.startswith(b"%PDF-") or MARKUP.search(head) or not _pdf_ok(stream):
            kind = None
    elif kind in IMAGES:
        if not _image_ok(stream, kind):
            kind = None
    stream.seek(0)
    return kind if kind in accepted else None
