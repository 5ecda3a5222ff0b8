"""The network "faire ensemble": offers and needs, events, mentoring, resources."""

from .choices import (  # noqa: F401
    CATEGORIES,
    Attendance,
    EventCategory,
    Kind,
    Licence,
    LoanType,
    Outcome,
    ReportReason,
    ResourceKind,
    Side,
    Skill,
    SpaceType,
    Terms,
    Theme,
    TimeZone,
)
from .events import Event, IcsSource  # noqa: F401
from .mentoring import MentoringRequest, MentorOffer, Pairing, PairingMeeting  # noqa: F401
from .offers import AbuseReport, Listing, MatchNotice, NetworkProfile, RelayedMessage  # noqa: F401
from .resources import Resource, ResourceVersion  # noqa: F401
