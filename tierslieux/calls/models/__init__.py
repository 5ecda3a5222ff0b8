"""Data model of the call for applications (AMI): configuration, applications and their review.

- Configuration (`call.py`): Call, Envelope, Wave, EligibilityRule, Criterion, Question.
- Applying (`application.py`): Application (status + revision), ApplicationVersion (immutable snapshot at each
  submission), Attachment (private file, sha256), Message; the workflow log is `core.TransitionLog`.
- Review and decision (`review.py`): ReviewerAssignment, ConflictOfInterest, Review, Score, StaffNote, Decision.

Money is in whole euros (integers); date-times are aware (Europe/Paris shown).
"""

from .application import Application, ApplicationVersion, Attachment, Message, Status
from .call import Call, Criterion, EligibilityRule, Envelope, Question, QuestionKind, Wave
from .review import (
    ConflictOfInterest,
    Decision,
    DecisionOutcome,
    Review,
    ReviewerAssignment,
    Score,
    StaffNote,
)
from .reviewer import ReviewerProfile

__all__ = [
    "Application",
    "ApplicationVersion",
    "Attachment",
    "Call",
    "ConflictOfInterest",
    "Criterion",
    "Decision",
    "DecisionOutcome",
    "EligibilityRule",
    "Envelope",
    "Message",
    "Question",
    "QuestionKind",
    "Review",
    "ReviewerAssignment",
    "ReviewerProfile",
    "Score",
    "StaffNote",
    "Status",
    "Wave",
]
