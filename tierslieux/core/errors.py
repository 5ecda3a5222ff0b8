"""The one error a service raises when it refuses: a French message for the person and an HTTP status.

Plain Python (no Django import), so the pure modules can raise it too. `core.middleware.ServiceErrorMiddleware`
turns it into the refusal page (or an htmx fragment) with its status; the API answers `{"detail": message}`.
"""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal: `message` is a whole French sentence for the person, `status` the HTTP status to answer
    (400 bad input, 403 not allowed, 404 not found, 409 conflict with the current state, 413 too large,
    429 too many attempts)."""

    status: int = 400

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return self.message


class Conflict(ServiceError):
    """The object changed since the person read it (another tab or person acted first)."""

    status = 409


class EditConflict(Conflict):
    """Optimistic versioning: someone saved the object after this person opened it. `current` is what is
    saved now ({label: text}), `version` the token to resubmit with once the person has compared (the page
    shows both versions and keeps what the person typed: nothing is lost)."""

    def __init__(self, message: str, *, current: dict[str, str], version: str) -> None:
        super().__init__(message)
        self.current = current
        self.version = version
