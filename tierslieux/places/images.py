"""Photos of places: check an upload by its content, then resize and re-encode it (plain Python and Pillow).

Whatever the file says it is, only real JPEG, PNG or WebP images are accepted (decoded by Pillow, then checked
by `core.filetypes.sniff` like every upload; never trusted by name or type); images with absurd dimensions
(decompression bombs) are refused before decoding. The result is at most MAX_SIDE pixels on its longest side,
turned upright (EXIF orientation), and written again without any metadata (no GPS position or camera serial
number leaks from a phone photo).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from tierslieux.core import filetypes
from tierslieux.core.i18n import gettext as _

MAX_BYTES = 8 * 1024 * 1024
MAX_SIDE = 1600
MAX_PIXELS = 40_000_000  # 40 megapixels: beyond, a bomb or a scan nobody needs on a place page
FORMATS = {"JPEG", "PNG", "WEBP"}


class ImageRefused(ValueError):
    """The upload is not an acceptable image; the message says why, in French."""


@dataclass(frozen=True)
class Processed:
    content: bytes
    extension: str  # "jpg" or "png"
    content_type: str
    width: int
    height: int


def process(data: bytes) -> Processed:
    """The image to store for `data`, or ImageRefused."""
    if not data:
        raise ImageRefused(_("Le fichier est vide."))
    if len(data) > MAX_BYTES:
        raise ImageRefused(
            _("La photo pèse plus de %(limit)s Mo : réduisez-la avant de l’envoyer.")
            % {"limit": MAX_BYTES // 2**20}
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                width, height = probe.size
                if kind not in FORMATS:
                    raise ImageRefused(_("Seules les photos JPEG, PNG ou WebP sont acceptées."))
                if width * height > MAX_PIXELS:
                    raise ImageRefused(_("La photo est trop grande (plus de 40 millions de pixels)."))
                probe.verify()  # the whole file is read: a truncated or forged file fails here
            image = Image.open(io.BytesIO(data))
            image.load()
    except ImageRefused:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused(_("Ce fichier n’est pas une image lisible (JPEG, PNG ou WebP).")) from None
    except (OSError, SyntaxError, ValueError):
        raise ImageRefused(_("Cette image est endommagée ou incomplète.")) from None
    # The platform's check of every upload as well (magic bytes, no markup or polyglot: core.filetypes).
    if filetypes.sniff(io.BytesIO(data), filetypes.IMAGES) is None:
        raise ImageRefused(_("Ce fichier n’est pas une image lisible (JPEG, PNG ou WebP)."))
    image = ImageOps.exif_transpose(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    output = io.BytesIO()
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    if kind == "PNG" and has_alpha:
        image.convert("RGBA").save(output, format="PNG", optimize=True)
        extension, content_type = "png", "image/png"
    else:
        if image.mode != "RGB":
            background = Image.new("RGB", image.size, (255, 255, 255))
            rgba = image.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            image = background
        image.save(output, format="JPEG", quality=85, optimize=True, progressive=True)
        extension, content_type = "jpg", "image/jpeg"
    return Processed(output.getvalue(), extension, content_type, image.width, image.height)
