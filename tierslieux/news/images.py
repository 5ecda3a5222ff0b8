"""Cover images, validated by their content (Pillow decodes them), never by their name: JPEG, PNG or WebP,
at most 12 MB and 40 megapixels. They are re-encoded, which drops their metadata (EXIF: camera, GPS
position) and anything hidden after the image data, and reduced to 2000 pixels wide at most."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from tierslieux.core.errors import ServiceError

MAX_BYTES = 12 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_WIDTH = 2000
FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}


def cover_process(upload) -> ContentFile:
    """The re-encoded image of `upload` (a file object), or ServiceError (400) with a French message."""
    if getattr(upload, "size", 0) > MAX_BYTES:
        raise ServiceError(_("L’image dépasse 12 Mo : réduisez-la avant de l’envoyer."))
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            width, height = probe.size
            probe.verify()
        if kind not in FORMATS:
            raise ServiceError(_("L’image doit être au format JPEG, PNG ou WebP."))
        if width * height > MAX_PIXELS:
            raise ServiceError(_("L’image est trop grande (40 millions de pixels au plus)."))
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            if image.width > MAX_WIDTH:
                image = image.resize((MAX_WIDTH, round(image.height * MAX_WIDTH / image.width)))
            if kind == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, format=kind, **({"quality": 85, "optimize": True} if kind == "JPEG" else {}))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ServiceError(_("Ce fichier n’est pas une image lisible (JPEG, PNG ou WebP).")) from None
    return ContentFile(out.getvalue(), name=f"cover{FORMATS[kind]}")
