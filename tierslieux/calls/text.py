"""Moved to `tierslieux.core.markdown` (shared with the network app); kept so the calls' imports stay as they
are."""

from tierslieux.core.markdown import ALLOWED_TAGS, render_markdown  # noqa: F401
