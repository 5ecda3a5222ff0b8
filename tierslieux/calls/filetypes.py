"""Moved to `tierslieux.core.filetypes` (shared with the network app); kept so the calls' imports stay as they
are. `sniff` accepts what application attachments accept: PDF, ODT, DOCX, PNG, JPEG."""

from tierslieux.core.filetypes import KINDS, MAX_SIZE, ODT_MIMETYPE, sniff  # noqa: F401
