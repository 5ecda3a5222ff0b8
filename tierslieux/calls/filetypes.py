"""What a file really is, from its content, not from its name. Plain Python (no Django).

Accepted: PDF, ODT, DOCX, PNG, JPEG. The kind is read from the magic bytes (puremagic), then the structure is
checked by a real parser: a PDF must open with pypdf and have a page, an image must decode with Pillow, an
ODT/DOCX must be the zip package its type says. A renamed executable, a truncated file or a polyglot (a file
starting `%PDF-` followed by HTML) is refused.
"""

from __future__ import annotations

import re
import zipfile
from typing import BinaryIO

import puremagic
import pypdf
from PIL import Image, UnidentifiedImageError

MAX_SIZE = 10 * 1024 * 1024
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
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
}
MAGIC_KINDS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpeg",
    "application/zip": "zip",
    "application/vnd.oasis.opendocument.text": "zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "zip",
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


def sniff(stream: BinaryIO) -> str | None:
    """The kind ("pdf", "odt", "docx", "png", "jpeg") of the file in `stream`, or None when not accepted."""
    stream.seek(0)
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    kind = _magic_kind(stream)
    if kind == "zip":
        kind = _zip_kind(stream)
    elif kind == "pdf":
        if not head.startswith(b"%PDF-") or MARKUP.search(head) or not _pdf_ok(stream):
            kind = None
    elif kind in ("png", "jpeg"):
        if not _image_ok(stream, kind):
            kind = None
    stream.seek(0)
    return kind
