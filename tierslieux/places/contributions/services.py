"""Writes on contributions. Every status change goes through `_transition` (`core.services.transition_apply`
on the contribution's workflow, logged in `core.TransitionLog`); every change of a place goes through
`place_create` / `place_update`, so it is versioned."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tierslieux.accounts.models import User
from tierslieux.accounts.roles import is_programme_staff
from tierslieux.core.emails import email_send
from tierslieux.core.services import transition_apply, transition_log_start
from tierslieux.core.workflow import SYSTEM, TransitionError
from tierslieux.places import index
from tierslieux.places import workflow as publication
from tierslieux.places.models import Place, PlaceStatus
from tierslieux.places.selectors import place_can_edit, place_is_managed_by
from tierslieux.places.services import (
    EDITABLE_FIELDS,
    place_add_manager,
    place_create,
    place_snapshot,
    place_update,
)

from .models import (
    Claim,
    ClaimStatus,
    ContactMessage,
    ContactStatus,
    Contribution,
    ErrorReport,
    ModerationStatus,
    Proposal,
    ReportKind,
    ReportStatus,
)

# Fields a visitor may propose (never the private contact, the source or the verification date).
PROPOSABLE_FIELDS = tuple(
    field
    for field in EDITABLE_FIELDS
    if field not in {"private_contact", "source", "last_verified_at", "location_approximate", "contact_email"}
)
# Fields a manager edits directly; labels are confirmed by programme staff (see place_edit).
MANAGEABLE_FIELDS = (*PROPOSABLE_FIELDS, "contact_email")


class _Rollback(Exception):
    pass


# --- Helpers --------------------------------------------------------------------------------------------
def _user(user: User | AnonymousUser | None) -> User | None:
    return user if user is not None and user.is_authenticated else None


def _require_staff(user: User) -> None:
    if not is_programme_staff(user):
        raise PermissionDenied(_("Réservé à l’équipe du programme."))


@transaction.atomic
def _transition(obj: Contribution, *, to: str, user: User, reason: str = "") -> None:
    """Move `obj` to status `to` if its workflow allows it (programme staff decide); record who, when, why."""
    locked = type(obj).objects.select_for_update().get(pk=obj.pk)
    try:
        transition_apply(
            instance=locked,
            workflow=obj.WORKFLOW,
            target=to,
            roles={publication.STAFF},
            actor=user,
            reason=reason,
            changes={"decided_by": _user(user), "decided_at": timezone.now(), "decision_reason": reason},
        )
    except TransitionError:
        raise ValidationError(
            _("Cette demande a déjà été traitée (statut : %(status)s).")
            % {"status": locked.get_status_display()}
        ) from None
    for field in ("status", "decided_by", "decided_at", "decision_reason"):
        setattr(obj, field, getattr(locked, field))


def _created(obj: Contribution, *, user: User | None = None) -> None:
    transition_log_start(instance=obj, workflow=obj.WORKFLOW, actor=_user(user))


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Place):
        return value.pk
    return value


def _json_data(data: dict) -> dict:
    """Proposed data as JSON (the commune as its INSEE code)."""
    plain = {}
    for field, value in data.items():
        if field == "commune" and value is not None and not isinstance(value, str):
            value = value.pk
        plain[field] = _plain(value)
    return plain


def proposal_validate(*, data: dict, place: Place | None = None) -> dict:
    """Check `data` exactly as accepting it would (in a savepoint rolled back at once) and return the diff
    {field: [current, proposed]} with the normalised values. Raise ValidationError in French."""
    unknown = set(data) - set(PROPOSABLE_FIELDS)
    if unknown:
        raise ValidationError(_("Champs inconnus : %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    before = place_snapshot(place) if place else {}
    after: dict = {}
    try:
        with index.staleness_preserved(), transaction.atomic():
            if place is None:
                created = place_create(data=data)
                after = place_snapshot(created)
            else:
                after = place_snapshot(place_update(place=place, data=data))
            raise _Rollback
    except _Rollback:
        pass
    fields = [f for f in PROPOSABLE_FIELDS if place is None or f in data]
    diff = {f: [before.get(f), after.get(f)] for f in fields if before.get(f) != after.get(f)}
    if place is None:
        diff = {f: change for f, change in diff.items() if change[1] not in (None, "", [], {})}
    return diff


# --- Proposals ------------------------------------------------------------------------------------------
@transaction.atomic
def proposal_submit(
    *,
    data: dict,
    place: Place | None = None,
    author: User | None = None,
    author_email: str = "",
    comment: str = "",
) -> Proposal:
    """Anyone proposes a new place (`place` None) or a change to `place`; staff moderate it."""
    diff = proposal_validate(data=data, place=place)
    if place is not None and not diff:
        raise ValidationError(_("Votre proposition ne change rien à la fiche actuelle."))
    proposal = Proposal.objects.create(
        kind=Proposal.Kind.CHANGE if place else Proposal.Kind.NEW,
        place=place,
        data=_json_data(data),
        diff=diff,
        comment=comment,
        author=_user(author),
        author_email="" if _user(author) else author_email,
    )
    _created(proposal, user=author)
    return proposal


def _proposal_email(proposal: Proposal, name: str) -> None:
    email_send(
        name=name,
        to=[proposal.contact_email],
        context={"proposal": proposal, "place": proposal.place, "name": proposal.data.get("name", "")},
    )


@transaction.atomic
def proposal_accept(*, proposal: Proposal, user: User, reason: str = "") -> Proposal:
    """Programme staff apply the proposal (versioned, the moderator as author) and tell its author."""
    _require_staff(user)
    why = _("Proposition n° %(id)s acceptée") % {"id": proposal.pk}
    if reason:
        why = f"{why} : {reason}"
    _transition(proposal, to=ModerationStatus.ACCEPTED, user=user, reason=reason)
    if proposal.kind == Proposal.Kind.NEW:
        proposal.place = place_create(data=proposal.data, user=user, reason=why[:300])
        proposal.save(update_fields=["place"])
    else:
        # Only the fields the proposal changes: later edits of other fields are kept.
        data = {field: proposal.data[field] for field in proposal.diff if field in proposal.data}
        place_update(place=proposal.place, data=data, user=user, reason=why[:300])
    _proposal_email(proposal, "proposal-accepted")
    return proposal


@transaction.atomic
def proposal_refuse(*, proposal: Proposal, user: User, reason: str) -> Proposal:
    """Programme staff refuse the proposal with a reason, sent to its author."""
    _require_staff(user)
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif du refus.")})
    _transition(proposal, to=ModerationStatus.REFUSED, user=user, reason=reason)
    _proposal_email(proposal, "proposal-refused")
    return proposal


# --- Error reports --------------------------------------------------------------------------------------
@transaction.atomic
def report_submit(
    *, place: Place, kind: str, message: str, author: User | None = None, author_email: str = ""
) -> ErrorReport:
    """Anyone reports an error on a place page."""
    if kind not in ReportKind.values:
        raise ValidationError(_("Nature d’erreur inconnue."))
    if not message.strip():
        raise ValidationError(_("Décrivez l’erreur."))
    report = ErrorReport.objects.create(
        place=place,
        kind=kind,
        message=message,
        author=_user(author),
        author_email="" if _user(author) else author_email,
    )
    _created(report, user=author)
    return report


@transaction.atomic
def report_resolve(
    *, report: ErrorReport, user: User, reason: str = "", mark_closed: bool = False
) -> ErrorReport:
    """Programme staff mark the report handled; for "closed", they may mark the place closed (versioned)."""
    _require_staff(user)
    _transition(report, to=ReportStatus.RESOLVED, user=user, reason=reason)
    if mark_closed and report.kind == ReportKind.CLOSED:
        place_update(
            place=report.place,
            data={"status": PlaceStatus.CLOSED},
            user=user,
            reason=_("Signalement n° %(id)s : lieu fermé") % {"id": report.pk},
        )
    return report


@transaction.atomic
def report_dismiss(*, report: ErrorReport, user: User, reason: str) -> ErrorReport:
    _require_staff(user)
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez pourquoi ce signalement est écarté.")})
    _transition(report, to=ReportStatus.DISMISSED, user=user, reason=reason)
    return report


# --- Claims ---------------------------------------------------------------------------------------------
@transaction.atomic
def claim_submit(*, place: Place, user: User, message: str) -> Claim:
    """A signed-in person asks to manage `place`."""
    if _user(user) is None:
        raise PermissionDenied(_("Connectez-vous pour revendiquer un lieu."))
    if place_is_managed_by(place, user):
        raise ValidationError(_("Vous gérez déjà ce lieu."))
    if Claim.objects.filter(place=place, author=user, status=ClaimStatus.PENDING).exists():
        raise ValidationError(_("Votre demande pour ce lieu est déjà en attente."))
    if not message.strip():
        raise ValidationError(_("Expliquez votre lien avec ce lieu."))
    claim = Claim.objects.create(place=place, author=user, message=message)
    _created(claim, user=user)
    email_send(name="claim-received", to=[claim.contact_email], context={"claim": claim, "place": place})
    return claim


@transaction.atomic
def claim_approve(*, claim: Claim, user: User, reason: str = "") -> Claim:
    """Programme staff approve: the claimant becomes a manager of the place (and gets the role)."""
    _require_staff(user)
    author = claim.author
    if author is None:  # the account was deleted while the claim waited (author SET_NULL)
        raise ValidationError(
            _("Le compte qui a revendiqué ce lieu n’existe plus : refusez la revendication.")
        )
    _transition(claim, to=ClaimStatus.APPROVED, user=user, reason=reason)
    place_add_manager(place=claim.place, user=author)
    email_send(
        name="claim-approved", to=[claim.contact_email], context={"claim": claim, "place": claim.place}
    )
    return claim


@transaction.atomic
def claim_refuse(*, claim: Claim, user: User, reason: str) -> Claim:
    _require_staff(user)
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif du refus.")})
    _transition(claim, to=ClaimStatus.REFUSED, user=user, reason=reason)
    email_send(name="claim-refused", to=[claim.contact_email], context={"claim": claim, "place": claim.place})
    return claim


# --- Project places: moderation before publication ------------------------------------------------------
def _publication_transition(
    *, place: Place, to: str, user: User, reason: str, roles: Iterable[str] = frozenset({publication.STAFF})
) -> Place:
    locked = Place.objects.select_for_update().get(pk=place.pk)
    try:
        transition_apply(
            instance=locked,
            workflow=publication.PUBLICATION,
            target=to,
            roles=roles,
            actor=_user(user),
            reason=reason,
            field="publication",
            changes={"updated_at": timezone.now()},
        )
    except TransitionError:
        raise ValidationError(
            _("Ce lieu a déjà été traité (publication : %(status)s).")
            % {"status": locked.get_publication_display()}
        ) from None
    index.invalidate()
    transaction.on_commit(index.invalidate)
    place.publication = to
    return locked


def _creator_emails(place: Place) -> list[str]:
    emails = set(place.managers.filter(is_active=True).values_list("email", flat=True))
    if place.created_by_id and place.created_by.is_active:
        emails.add(place.created_by.email)
    return sorted(e for e in emails if e)


@transaction.atomic
def project_place_accept(*, place: Place, user: User, reason: str = "") -> Place:
    """Programme staff publish a project place in the atlas; its creator and managers are told."""
    _require_staff(user)
    place = _publication_transition(place=place, to=publication.PUBLISHED, user=user, reason=reason)
    email_send(name="project-place-published", to=_creator_emails(place), context={"place": place})
    return place


@transaction.atomic
def project_place_refuse(*, place: Place, user: User, reason: str) -> Place:
    """Programme staff keep a project place off the atlas (it stays visible to its managers and staff)."""
    _require_staff(user)
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif du refus.")})
    place = _publication_transition(place=place, to=publication.REFUSED, user=user, reason=reason)
    email_send(
        name="project-place-refused", to=_creator_emails(place), context={"place": place, "reason": reason}
    )
    return place


def project_place_publish_with_application(*, place: Place, actor: User, reference: str) -> Place:
    """The application of a project place is accepted: the place is published (no moderation needed)."""
    if place.publication == publication.PUBLISHED:
        return place
    return _publication_transition(
        place=place,
        to=publication.PUBLISHED,
        user=actor,
        reason=_("Dossier %(reference)s accepté") % {"reference": reference},
        roles={SYSTEM},
    )


# --- Direct edit by a manager ---------------------------------------------------------------------------
@dataclass(frozen=True)
class EditOutcome:
    place: Place
    labels_proposal: Proposal | None = None  # labels declared by a manager, waiting for staff confirmation


@transaction.atomic
def place_edit(
    *, place: Place, data: dict, user: User, reason: str = "", based_on: int | None = None
) -> EditOutcome:
    """A manager of the place (or programme staff) edits it directly: versioned, no moderation — except its
    labels (official programmes such as « Fabrique de territoire »): a manager's change of labels becomes a
    proposal that programme staff confirm (staff change them directly). `based_on`: the version token the
    form was built from (a newer version raises `EditConflict`, and nothing is written, labels included)."""
    if not place_can_edit(place, user):
        raise PermissionDenied(_("Vous ne gérez pas ce lieu."))
    unknown = set(data) - set(MANAGEABLE_FIELDS)
    if unknown:
        raise ValidationError(_("Champs inconnus : %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    data = dict(data)
    labels = None
    if "labels" in data and not is_programme_staff(user):
        labels = list(dict.fromkeys(data.pop("labels") or []))
    updated = place_update(
        place=place,
        data=data,
        user=user,
        reason=reason or _("Modification par un gestionnaire"),
        expected_version=based_on,
    )
    proposal = None
    if labels is not None and sorted(labels) != sorted(updated.labels or []):
        pending = Proposal.objects.filter(
            place=updated,
            status=ModerationStatus.PENDING,
            kind=Proposal.Kind.CHANGE,
            data__has_key="labels",
        ).filter(author=_user(user))
        for old in pending:  # the newest declaration replaces a waiting one
            _transition(
                old,
                to=ModerationStatus.REFUSED,
                user=user,
                reason=_("Remplacée par une nouvelle déclaration."),
            )
        proposal = proposal_submit(
            data={"labels": labels},
            place=updated,
            author=user,
            comment=_("Labels déclarés par un gestionnaire du lieu : à confirmer."),
        )
    return EditOutcome(place=updated, labels_proposal=proposal)


# --- Contact --------------------------------------------------------------------------------------------
@transaction.atomic
def contact_send(
    *, place: Place, sender_name: str, sender_email: str, message: str, author: User | None = None
) -> ContactMessage:
    """Relay a message to the managers of `place` by email (reply-to: the sender); with no manager, the
    message waits in the programme staff queue. No address is ever shown to the other side."""
    if not (sender_name.strip() and sender_email.strip() and message.strip()):
        raise ValidationError(_("Le nom, l’adresse électronique et le message sont obligatoires."))
    managers = [place.contact_email] if place.contact_email else []
    managers = managers or [m.email for m in place.managers.filter(is_active=True) if m.email]
    contact = ContactMessage.objects.create(
        place=place,
        sender_name=sender_name.strip(),
        author_email=sender_email.strip(),
        message=message,
        author=_user(author),
        status=ContactStatus.RELAYED if managers else ContactStatus.PENDING,
    )
    _created(contact, user=author)
    if managers:
        email_send(
            name="contact-message",
            to=managers,
            reply_to=[contact.author_email],
            context={"contact": contact, "place": place},
        )
    return contact


@transaction.atomic
def contact_close(*, contact: ContactMessage, user: User, reason: str = "") -> ContactMessage:
    """Programme staff mark a queued message as handled."""
    _require_staff(user)
    _transition(contact, to=ContactStatus.CLOSED, user=user, reason=reason)
    return contact
