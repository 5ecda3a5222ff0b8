"""Writes of the call for applications: configuration by programme staff and the applicant side.

Every status change goes through `application_transition` (`core.services.transition_apply` on
`workflow.APPLICATION`: checked, logged in `core.TransitionLog`). Refusals are `core.errors.ServiceError` (French
message, HTTP status); `StaleRevision` (409) when a save is based on an outdated revision of the dossier
(another tab saved first), `LimitReached` (429) past a per-account limit.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import F, ProtectedError
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tierslieux.accounts.models import User
from tierslieux.accounts.roles import Role, has_role, is_programme_staff
from tierslieux.accounts.services import user_grant_role
from tierslieux.core import antivirus
from tierslieux.core.emails import email_send
from tierslieux.core.errors import Conflict, ServiceError
from tierslieux.core.formats import fr_datetime
from tierslieux.core.services import transition_apply

from . import budget as budget_module
from . import eligibility, filetypes, selectors, workflow
from .facts import application_eligibility, funding_rules
from .models import (
    Application,
    ApplicationVersion,
    Attachment,
    Call,
    Criterion,
    EligibilityRule,
    Envelope,
    Message,
    Question,
    QuestionKind,
    Status,
    Wave,
)
from .workflow import APPLICATION

logger = logging.getLogger(__name__)

PROJECT_FIELDS = ("project_title", "summary", "project_description", "activities", "partners", "governance")
SAVABLE_FIELDS = (*PROJECT_FIELDS, "answers", "budget", "qpv", "place", "envelope")
# The problem reported when a required field of step 2 is empty.
REQUIRED_PROJECT_FIELDS = {
    "project_title": gettext_lazy("Étape 2 : renseignez le titre du projet."),
    "summary": gettext_lazy("Étape 2 : renseignez le résumé du projet."),
    "project_description": gettext_lazy("Étape 2 : renseignez la description du projet."),
}


class StaleRevision(Conflict):
    """The dossier changed since the form was loaded (another tab or person saved first)."""


class LimitReached(ServiceError):
    """A per-account limit (answered 429)."""

    status = 429


def local(moment: datetime) -> str:
    """ "1er décembre 2026 à 14 h 05" (Paris time)."""
    return fr_datetime(moment)


# --- Configuration -------------------------------------------------------------------------------------------
# Paths of /appels/ that a call's slug must not shadow.
RESERVED_SLUGS = {"gestion", "mes-dossiers", "dossiers"}


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:200] or "appel"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Call.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_funding(data: dict[str, Any]) -> None:
    if data.get("max_total_amount") and data.get("min_total_amount", 0) > data["max_total_amount"]:
        raise ServiceError(_("Le montant minimal par lauréat dépasse le montant maximal."))


@transaction.atomic
def call_create(*, user: User, data: dict[str, Any]) -> Call:
    """Create a call from validated form data; its creator joins its team."""
    _check_funding(data)
    call = Call(**data, created_by=user)
    call.slug = _unique_slug(call.title)
    call.save()
    call.staff.add(user)
    return call


@transaction.atomic
def call_update(*, call: Call, data: dict[str, Any]) -> Call:
    _check_funding(data)
    for name, value in data.items():
        setattr(call, name, value)
    call.save()
    return call


def call_set_staff(*, call: Call, users: Iterable) -> None:
    call.staff.set(list(users))


@transaction.atomic
def envelope_save(*, call: Call, data: dict[str, Any], envelope: Envelope | None = None) -> Envelope:
    envelope = envelope or Envelope(call=call)
    for name, value in data.items():
        setattr(envelope, name, value)
    if not envelope.code:
        envelope.code = slugify(envelope.name)[:60] or "enveloppe"
    if call.envelopes.filter(code=envelope.code).exclude(pk=envelope.pk).exists():
        raise ServiceError(
            _("Une autre enveloppe de cet appel utilise déjà le code « %(code)s ».") % {"code": envelope.code}
        )
    envelope.save()
    return envelope


@transaction.atomic
def wave_save(*, call: Call, data: dict[str, Any], wave: Wave | None = None) -> Wave:
    wave = wave or Wave(call=call)
    for name, value in data.items():
        setattr(wave, name, value)
    if wave.closes_at <= wave.opens_at:
        raise ServiceError(_("La clôture de la vague doit suivre son ouverture."))
    wave.save()
    return wave


@transaction.atomic
def rule_create(
    *,
    call: Call,
    name: str,
    kind: str,
    params: dict[str, Any],
    envelopes: Iterable[Envelope] = (),
    wave: Wave | None = None,
) -> EligibilityRule:
    """Add an eligibility rule (a condition of `eligibility.REGISTRY` with validated parameters)."""
    condition = eligibility.REGISTRY.get(kind)
    if condition is None:
        raise ServiceError(_("Cette condition n’existe pas."))
    try:
        cleaned = condition.clean_params(params)
    except ValueError as error:
        raise ServiceError(str(error)) from None
    envelopes = list(envelopes)
    if any(envelope.call_id != call.pk for envelope in envelopes) or (wave and wave.call_id != call.pk):
        raise ServiceError(_("Enveloppe ou vague d’un autre appel."))
    position = call.rules.count()
    rule = EligibilityRule.objects.create(
        call=call,
        name=name or condition.describe(cleaned),
        kind=kind,
        params=cleaned,
        wave=wave,
        position=position,
    )
    rule.envelopes.set(envelopes)
    return rule


@transaction.atomic
def criterion_save(*, call: Call, data: dict[str, Any], criterion: Criterion | None = None) -> Criterion:
    criterion = criterion or Criterion(call=call, position=call.criteria.count())
    for name, value in data.items():
        setattr(criterion, name, value)
    criterion.save()
    return criterion


@transaction.atomic
def question_save(*, call: Call, data: dict[str, Any], question: Question | None = None) -> Question:
    question = question or Question(call=call, position=call.questions.count())
    for name, value in data.items():
        setattr(question, name, value)
    if question.kind == QuestionKind.CHOICE and len(question.choices or []) < 2:
        raise ServiceError(_("Une question à choix propose au moins deux choix."))
    question.save()
    return question


def config_item_delete(*, item: models.Model) -> None:
    """Delete an envelope, wave, rule, criterion or question (refused when dossiers or scores depend on it)."""
    try:
        with transaction.atomic():
            item.delete()
    except ProtectedError:
        raise Conflict(_("Des dossiers ou des évaluations en dépendent : suppression impossible.")) from None


# --- Applications: drafting ----------------------------------------------------------------------------------
@transaction.atomic
def application_start(*, call: Call, user: User, now: datetime | None = None) -> Application:
    """Open a new draft in the wave open now (none, or the call unpublished: Conflict, 409)."""
    now = now or timezone.now()
    if not call.is_published:
        raise Conflict(_("Cet appel n’est pas publié."))
    wave = call.open_wave(now)
    if wave is None:
        raise Conflict(_("Aucune vague de cet appel n’est ouverte actuellement."))
    application = Application.objects.create(
        call=call, wave=wave, applicant=user, reference=f"tmp-{now.timestamp()}-{user.pk}"
    )
    application.reference = f"AMI-{now:%Y}-{call.pk:02d}-{application.pk:06d}"
    application.save(update_fields=["reference"])
    if not has_role(user, Role.APPLICANT):
        user_grant_role(user=user, role=Role.APPLICANT)
    return application


def application_save(
    *, application: Application, user: User, revision: int, values: dict[str, Any], tab: str = ""
) -> Application:
    """Save some fields of an editable dossier, based on `revision` (optimistic concurrency).

    `tab` identifies the page that sends the save (a random token per page load): when the revision is stale
    only because the same page saved in between (its autosave overtaking its "Enregistrer" button), the save
    goes through. Raises StaleRevision when someone else (another tab, another person) saved since `revision`
    (nothing is written) and ServiceError when the dossier is no longer editable.
    """
    unknown = set(values) - set(SAVABLE_FIELDS)
    if unknown:
        raise ServiceError(_("Champs inconnus : %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if workflow.APPLICANT not in selectors.application_roles(user, application):
        raise ServiceError(_("Seul le porteur du dossier peut le modifier."))
    values = dict(values)
    if "budget" in values:
        values["requested_total"] = budget_module.totals(
            values["budget"], application.call.years
        ).requested_total
    tab = (tab or "")[:40]
    editable = Application.objects.filter(pk=application.pk, status__in=workflow.EDITABLE_STATES)
    with transaction.atomic():
        base = editable.filter(revision=revision)
        if tab:
            # Stale only because of this same page's own saves: not a conflict.
            base = editable.filter(
                models.Q(revision=revision) | models.Q(revision__gt=revision, last_tab=tab)
            )
        updated = base.update(**values, revision=F("revision") + 1, last_tab=tab, updated_at=timezone.now())
        current = Application.objects.select_related("call", "wave", "place__commune").get(pk=application.pk)
    if not updated:
        if not current.is_editable:
            raise ServiceError(_("Ce dossier n’est plus modifiable : il a été déposé."))
        if _same_values(current, values):
            # The dossier already holds exactly this (e.g. two tabs sent the same text).
            return current
        raise StaleRevision(
            _(
                "Ce dossier a été modifié entre-temps (dans un autre onglet ou par une autre personne) : "
                "votre saisie n’a pas été enregistrée. Elle est conservée ci-dessous ; rechargez la page pour "
                "voir la dernière version, puis reportez-y vos modifications."
            )
        )
    return current


def _same_values(application: Application, values: dict[str, Any]) -> bool:
    for name, value in values.items():
        if name in ("place", "qpv", "envelope"):
            if getattr(application, f"{name}_id") != (value.pk if value is not None else None):
                return False
        elif getattr(application, name) != value:
            return False
    return True


def _check_project_place_limits(user: User) -> None:
    """Per-account limits on the project places an applicant creates (programme staff are not limited)."""
    from tierslieux.places.models import Place, Publication

    if is_programme_staff(user):
        return
    created = Place.objects.filter(created_by=user, source="ami")
    pending_max = settings.PROJECT_PLACES_MAX_PENDING
    if created.filter(publication=Publication.PENDING).count() >= pending_max:
        raise LimitReached(
            ngettext(
                "Vous avez déjà %(count)s lieu en projet en attente de modération : attendez qu’il soit "
                "publié avant d’en créer un autre, ou choisissez un lieu existant.",
                "Vous avez déjà %(count)s lieux en projet en attente de modération : attendez qu’ils soient "
                "publiés avant d’en créer un autre, ou choisissez un lieu existant.",
                pending_max,
            )
            % {"count": pending_max}
        )
    total_max = settings.PROJECT_PLACES_MAX_PER_ACCOUNT
    if created.count() >= total_max:
        raise LimitReached(
            _(
                "Vous avez atteint le nombre maximal de lieux en projet par compte (%(count)s) : choisissez "
                "un lieu existant ou écrivez à l’équipe du programme."
            )
            % {"count": total_max}
        )


def application_create_project_place(
    *, application: Application, user: User, revision: int, data: dict[str, Any]
) -> Application:
    """Create a place in status "project" for a project holder, make them its manager, attach it. The place
    is private (its managers and programme staff) until a moderator publishes it or the application is
    accepted; an account may create only a few (settings PROJECT_PLACES_MAX_PENDING, _MAX_PER_ACCOUNT)."""
    from tierslieux.places import services as place_services
    from tierslieux.places.models import Publication

    with transaction.atomic():
        _check_project_place_limits(user)
        try:
            place = place_services.place_create(
                data={**data, "status": "project"},
                user=user,
                source="ami",
                reason=_("Création par le porteur du dossier %(reference)s")
                % {"reference": application.reference},
                publication=Publication.PENDING,
            )
        except ValidationError as error:
            raise ServiceError(" ".join(error.messages)) from None
        place_services.place_add_manager(place=place, user=user)
        return application_save(
            application=application, user=user, revision=revision, values={"place": place}
        )


# --- Applications: checks and submission ---------------------------------------------------------------------
def application_problems(application: Application) -> list[str]:
    """Everything that prevents submitting the dossier, in French ([] when it may be submitted)."""
    problems = []
    if application.place_id is None:
        problems.append(_("Étape 1 : choisissez ou créez le tiers-lieu porteur du projet."))
    for field, problem in REQUIRED_PROJECT_FIELDS.items():
        if not getattr(application, field).strip():
            problems.append(str(problem))
    answers = application.answers or {}
    attached_questions = set(
        application.attachments.filter(message__isnull=True).values_list("question_id", flat=True)
    )
    for question in application.call.questions.all():
        if not question.required:
            continue
        if question.kind == QuestionKind.FILE:
            if question.pk not in attached_questions:
                problems.append(_("Étape 4 : joignez « %(question)s ».") % {"question": question.label})
        elif str(answers.get(str(question.pk), "")).strip() == "":
            problems.append(_("Étape 2 : répondez à « %(question)s ».") % {"question": question.label})
    problems.extend(
        _("Étape 3 : %(problem)s") % {"problem": problem}
        for problem in budget_module.problems(application.budget, funding_rules(application.call))
    )
    result = application_eligibility(application)
    if application.place_id and not result.any_eligible:
        problems.append(_("Le dossier n’entre dans aucune enveloppe de l’appel (voir l’éligibilité)."))
    elif application.envelope_id and application.envelope.code not in result.eligible_codes:
        problems.append(
            _("Le dossier n’est pas éligible à l’enveloppe « %(envelope)s ».")
            % {"envelope": application.envelope.name}
        )
    return problems


def application_snapshot(application: Application) -> dict[str, Any]:
    """Everything of the dossier as JSON (the content of an ApplicationVersion)."""
    place = application.place
    return {
        "reference": application.reference,
        "call": application.call.title,
        "wave": application.wave.name if application.wave_id else None,
        "place": None
        if place is None
        else {
            "id": place.pk,
            "name": place.name,
            "commune": place.commune_id,
            "status": place.status,
            "legal_form": place.legal_form,
            "siret": place.siret,
        },
        **{field: getattr(application, field) for field in PROJECT_FIELDS},
        "answers": application.answers,
        "budget": application.budget,
        "requested_total": application.requested_total,
        "qpv": application.qpv_id,
        "envelope": application.envelope.code if application.envelope_id else None,
        "eligibility": application.eligibility,
        "attachments": [
            {
                "id": a.pk,
                "title": a.title,
                "name": a.original_name,
                "size": a.size,
                "sha256": a.sha256,
                "content_type": a.content_type,
                "question": a.question_id,
            }
            for a in application.attachments.filter(message__isnull=True).order_by("pk")
        ],
    }


@transaction.atomic
def application_transition(
    *, application: Application, to_status: str, actor: User, reason: str = ""
) -> Application:
    """The one way to change a status: fires the transition of `workflow.APPLICATION` towards `to_status` for
    the actor's roles on the dossier, logged in `core.TransitionLog`.

    Raises `core.workflow.TransitionError` (a ServiceError: 403 not their role, 400 a required reason missing,
    409 not from the dossier's current status) when the transition is not allowed.
    """
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "place")
        .get(pk=application.pk)
    )
    roles = selectors.application_roles(actor, locked) - {"reader"}
    transition_apply(
        instance=locked,
        workflow=APPLICATION,
        target=to_status,
        roles=roles,
        actor=actor,
        reason=reason,
        changes={"updated_at": timezone.now()},
    )
    if to_status == Status.ACCEPTED and locked.place_id:
        # An accepted dossier makes its project place public (no separate moderation needed).
        from tierslieux.places.contributions.services import project_place_publish_with_application

        project_place_publish_with_application(place=locked.place, actor=actor, reference=locked.reference)
    application.status = to_status
    return locked


def _staff_emails(application: Application) -> list[str]:
    return list(application.call.staff.filter(is_active=True).values_list("email", flat=True))


def _applicant_emails(application: Application) -> list[str]:
    emails = {application.applicant.email}
    if application.place_id:
        emails |= set(application.place.managers.filter(is_active=True).values_list("email", flat=True))
    return sorted(emails)


def application_submit(*, application: Application, user: User, now: datetime | None = None) -> Application:
    """Submit (or resubmit after corrections) before the wave closes (to the second): snapshot + receipt.

    A refused submission leaves the draft untouched.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("call", "wave", "place")
            .get(pk=application.pk)
        )
        roles = selectors.application_roles(user, locked)
        target = Status.SUBMITTED
        APPLICATION.check(locked.status, target=target, roles=roles, reason=None)
        if locked.status == Status.DRAFT:
            wave = locked.call.open_wave(now)
            if wave is None:
                closed = locked.wave
                if closed and closed.closes_at <= now:
                    refusal = _(
                        "Le dépôt est clos le %(closed_at)s : aucune vague n’est ouverte. "
                        "Votre brouillon est conservé."
                    ) % {"closed_at": local(closed.closes_at)}
                else:
                    refusal = _(
                        "Le dépôt est clos : aucune vague n’est ouverte. Votre brouillon est conservé."
                    )
                raise ServiceError(refusal)
            locked.wave = wave
        elif locked.corrections_deadline and now > locked.corrections_deadline:
            raise ServiceError(
                _("Le délai des corrections a expiré le %(deadline)s.")
                % {"deadline": local(locked.corrections_deadline)}
            )
        problems = application_problems(locked)
        if problems:
            raise ServiceError(
                _("Le dossier ne peut pas encore être déposé : %(problems)s")
                % {"problems": " ".join(problems)}
            )
        result = application_eligibility(locked)
        if locked.envelope_id is None or locked.envelope.code not in result.eligible_codes:
            locked.envelope = locked.call.envelopes.get(code=result.eligible_codes[0])
        locked.eligibility = result.as_dict()
        locked.first_submitted_at = locked.first_submitted_at or now
        locked.submitted_at = now
        locked.corrections_deadline = None
        locked.revision = F("revision") + 1
        locked.save()
        locked.refresh_from_db()
        number = locked.versions.count() + 1
        version = ApplicationVersion.objects.create(
            application=locked, number=number, data=application_snapshot(locked), created_by=user
        )
        application_transition(
            application=locked,
            to_status=target,
            actor=user,
            reason=_("Nouveau dépôt après corrections") if number > 1 else "",
        )
        locked.refresh_from_db()
        email_send(
            name="calls-receipt",
            to=_applicant_emails(locked),
            context={
                "application": locked,
                "version": version,
                "submitted_at": local(now),
                "url": reverse("calls:application", args=[locked.pk]),
            },
        )
        return locked


@transaction.atomic
def application_request_corrections(
    *, application: Application, actor: User, message: str, deadline: datetime | None
) -> Application:
    """Staff send the dossier back to the applicant ("en construction") with a message and a deadline."""
    if deadline is not None and deadline <= timezone.now():
        raise ServiceError(_("La date limite des corrections doit être dans le futur."))
    locked = application_transition(
        application=application, to_status=Status.CORRECTIONS, actor=actor, reason=message
    )
    locked.corrections_message = message
    locked.corrections_deadline = deadline
    locked.save(update_fields=["corrections_message", "corrections_deadline", "updated_at"])
    email_send(
        name="calls-corrections",
        to=_applicant_emails(locked),
        context={
            "application": locked,
            "message": message,
            "deadline": local(deadline) if deadline else "",
            "url": reverse("calls:application", args=[locked.pk]),
        },
    )
    return locked


@transaction.atomic
def application_withdraw(*, application: Application, actor: User, reason: str = "") -> Application:
    locked = application_transition(
        application=application, to_status=Status.WITHDRAWN, actor=actor, reason=reason
    )
    if locked.first_submitted_at:
        email_send(
            name="calls-withdrawn",
            to=_staff_emails(locked),
            context={
                "application": locked,
                "reason": reason,
                "url": reverse("calls:application", args=[locked.pk]),
            },
        )
    return locked


@transaction.atomic
def application_confirm_qpv(*, application: Application, actor: User) -> Application:
    """Staff confirm the QPV declared by the applicant."""
    if workflow.STAFF not in selectors.application_roles(actor, application):
        raise ServiceError(_("Seule l’équipe de l’appel peut confirmer le quartier prioritaire."), status=403)
    if application.qpv_id is None:
        raise Conflict(_("Aucun quartier prioritaire n’est déclaré."))
    Application.objects.filter(pk=application.pk).update(
        qpv_confirmed_by=actor, qpv_confirmed_at=timezone.now()
    )
    application.refresh_from_db()
    return application


# --- Attachments and messages --------------------------------------------------------------------------------
def _store(*, application: Application, user: User, upload: UploadedFile, **fields: Any) -> Attachment:
    if upload.size > filetypes.MAX_SIZE:
        raise ServiceError(_("« %(name)s » dépasse 10 Mo.") % {"name": upload.name})
    kind = filetypes.sniff(upload.file)
    if kind is None:
        raise ServiceError(
            _(
                "« %(name)s » n’est pas un fichier accepté (PDF, ODT, DOCX, PNG ou JPEG) : "
                "son contenu a été vérifié."
            )
            % {"name": upload.name}
        )
    if antivirus.enabled():
        result = antivirus.scan(upload.file)
        if result.error:
            logger.error(
                "Antivirus scan impossible for an upload of application %s: %s", application.pk, result.error
            )
            raise ServiceError(
                _("« %(name)s » n’a pas pu être vérifié par l’antivirus : réessayez dans un moment.")
                % {"name": upload.name}
            )
        if not result.clean:
            logger.warning(
                "Upload refused by the antivirus (%s), application %s", result.signature, application.pk
            )
            raise ServiceError(
                _("« %(name)s » a été refusé par l’antivirus : il n’a pas été enregistré.")
                % {"name": upload.name}
            )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    content_type, suffix = filetypes.KINDS[kind]
    upload.seek(0)
    name = (upload.name or "fichier")[-255:]
    attachment = Attachment(
        application=application,
        original_name=name,
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=user,
        **fields,
    )
    attachment.file.save(f"piece{suffix}", upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_add(
    *,
    application: Application,
    user: User,
    upload: UploadedFile,
    title: str = "",
    question: Question | None = None,
) -> Attachment:
    """Attach a file to an editable dossier (type checked by content, ≤ 10 MB, private storage)."""
    if workflow.APPLICANT not in selectors.application_roles(user, application):
        raise ServiceError(_("Seul le porteur du dossier peut y joindre des pièces."))
    if not application.is_editable:
        raise ServiceError(_("Ce dossier n’est plus modifiable : il a été déposé."))
    if question is not None and (
        question.call_id != application.call_id or question.kind != QuestionKind.FILE
    ):
        raise ServiceError(_("Cette question n’attend pas de fichier."))
    return _store(application=application, user=user, upload=upload, title=title[:200], question=question)


@transaction.atomic
def attachment_delete(*, attachment: Attachment, user: User) -> None:
    application = attachment.application
    if attachment.message_id or workflow.APPLICANT not in selectors.application_roles(user, application):
        raise ServiceError(_("Vous ne pouvez pas supprimer cette pièce."), status=403)
    if not application.is_editable:
        raise Conflict(_("Ce dossier n’est plus modifiable : il a été déposé."))
    stored = attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: attachment.file.storage.delete(stored))


@transaction.atomic
def message_send(
    *, application: Application, author: User, body: str, files: Iterable[UploadedFile] = ()
) -> Message:
    """A message between the applicant side and the call's staff; the other side is notified by email."""
    roles = selectors.application_roles(author, application)
    from_staff = workflow.STAFF in roles
    if not from_staff and workflow.APPLICANT not in roles:
        raise ServiceError(_("Vous ne pouvez pas écrire sur ce dossier."))
    body = body.strip()
    if not body:
        raise ServiceError(_("Le message est vide."))
    message = Message.objects.create(application=application, author=author, from_staff=from_staff, body=body)
    for upload in files:
        _store(application=application, user=author, upload=upload, message=message)
    recipients = _applicant_emails(application) if from_staff else _staff_emails(application)
    email_send(
        name="calls-message",
        to=[email for email in recipients if email != author.email],
        context={
            "application": application,
            "message": message,
            "from_staff": from_staff,
            "url": reverse("calls:application_messages", args=[application.pk]),
        },
    )
    return message
