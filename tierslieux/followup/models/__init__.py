"""Data model of the follow-up of the laureates.

- `agreement.py`: Agreement (the funding agreement, one per accepted decision), AgreementVersion (an immutable
  snapshot at creation, signature and each amendment), Amendment (avenant), Tranche (a payment).
- `report.py`: AnnualReport (one per year of an agreement), ReportVersion (immutable snapshot at each
  submission), ReportAttachment (private file, sha256), ReportReminder (one per report and reminder step).
- `census.py`: CensusCampaign (a yearly census), CensusInvitation (a place asked), CensusAnswer.

Money is in whole euros (integers). Statuses follow `tierslieux.followup.workflows`.
"""

from .agreement import Agreement, AgreementVersion, Amendment, AmendmentKind, Tranche
from .census import CensusAnswer, CensusCampaign, CensusInvitation
from .report import (
    AnnualReport,
    AttachmentKind,
    ReminderStep,
    ReportAttachment,
    ReportReminder,
    ReportVersion,
)

__all__ = [
    "Agreement",
    "AgreementVersion",
    "Amendment",
    "AmendmentKind",
    "AnnualReport",
    "AttachmentKind",
    "CensusAnswer",
    "CensusCampaign",
    "CensusInvitation",
    "ReminderStep",
    "ReportAttachment",
    "ReportReminder",
    "ReportVersion",
    "Tranche",
]
