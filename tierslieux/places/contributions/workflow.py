"""The state machines of contributions: which status may follow which. Plain Python, no Django."""

from __future__ import annotations

PENDING = "pending"
ACCEPTED = "accepted"
REFUSED = "refused"
RESOLVED = "resolved"
DISMISSED = "dismissed"
APPROVED = "approved"
RELAYED = "relayed"
CLOSED = "closed"
PUBLISHED = "published"

# {machine: {from_status: {to_status, …}}}
MACHINES: dict[str, dict[str, set[str]]] = {
    "proposal": {PENDING: {ACCEPTED, REFUSED}},
    "report": {PENDING: {RESOLVED, DISMISSED}},
    "claim": {PENDING: {APPROVED, REFUSED}},
    "contact": {PENDING: {CLOSED}},
    # A place created inside an application (`Place.publication`): public once accepted by a moderator or
    # once its application is accepted; a refused one can still be published later (e.g. its application).
    "publication": {PENDING: {PUBLISHED, REFUSED}, REFUSED: {PUBLISHED}},
}


class TransitionError(Exception):
    """A status change the state machine does not allow."""


def allowed(machine: str, current: str) -> set[str]:
    return set(MACHINES[machine].get(current, set()))


def check(machine: str, current: str, target: str) -> None:
    if target not in allowed(machine, current):
        raise TransitionError(f"{machine}: {current} → {target} is not allowed")
