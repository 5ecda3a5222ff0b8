"""Applications (dossiers), their immutable versions, private attachments and messages. The workflow log of a
dossier is the platform's `core.TransitionLog` (workflow "application")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tierslieux.core.transitions import text_choices
from tierslieux.geo.models import Qpv
from tierslieux.places.models import Place

from ..storage import private_storage, random_upload_name
from ..workflow import APPLICATION
from .call import Call, Envelope, Question, Wave

# The states of `tierslieux.calls.workflow.APPLICATION` (which holds the allowed transitions).
Status = text_choices("Status", APPLICATION, module=__name__)


class Application(models.Model):
    """A dossier of one applicant (and the managers of its place) to one call, in one wave.

    `revision` grows at every save: a save based on an older revision is refused (optimistic concurrency).
    `budget` = {"expenses": {code: [year1, year2, …]}, "resources": {code: […]}} in euros; the amounts asked
    to the programme are `budget["resources"]["requested"]`, totalled in `requested_total`.
    """

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    wave = models.ForeignKey(
        Wave, on_delete=models.PROTECT, related_name="applications", null=True, blank=True
    )
    reference = models.CharField(_("numéro de dossier"), max_length=30, unique=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="call_applications",
        verbose_name=_("porteur·se"),
    )
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="call_applications",
        verbose_name=_("tiers-lieu"),
    )
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    revision = models.PositiveIntegerField(_("révision"), default=1)
    # The page (browser tab) that wrote the last revision: its own in-flight autosaves never conflict with it.
    last_tab = models.CharField(max_length=40, blank=True, default="", editable=False)
    # Step 2: the project.
    project_title = models.CharField(_("titre du projet"), max_length=200, blank=True, default="")
    summary = models.TextField(_("résumé du projet"), blank=True, default="")
    project_description = models.TextField(_("description du projet"), blank=True, default="")
    activities = models.TextField(_("activités prévues"), blank=True, default="")
    partners = models.TextField(_("partenaires"), blank=True, default="")
    governance = models.TextField(_("gouvernance"), blank=True, default="")
    answers = models.JSONField(_("réponses aux questions complémentaires"), default=dict, blank=True)
    # Step 3: the budget.
    budget = models.JSONField(_("budget"), default=dict, blank=True)
    requested_total = models.PositiveIntegerField(_("montant total demandé (€)"), default=0)
    # Eligibility: QPV declared by the applicant, confirmed by staff; envelope competed in.
    qpv = models.ForeignKey(
        Qpv,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("quartier prioritaire"),
    )
    qpv_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    qpv_confirmed_at = models.DateTimeField(null=True, blank=True)
    envelope = models.ForeignKey(
        Envelope,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("enveloppe"),
    )
    eligibility = models.JSONField(_("dernière évaluation de l’éligibilité"), default=dict, blank=True)
    # Corrections requested by staff.
    corrections_message = models.TextField(_("corrections demandées"), blank=True, default="")
    corrections_deadline = models.DateTimeField(_("date limite des corrections"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("déposé le"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("dernier dépôt le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        indexes = [models.Index(fields=["call", "status"]), models.Index(fields=["wave", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} — {self.project_title or self.place or ''}".strip(" —")

    @property
    def is_editable(self) -> bool:
        return self.status in (Status.DRAFT, Status.CORRECTIONS)


class ApplicationVersion(models.Model):
    """An immutable snapshot of the whole dossier, taken at each submission (JSON + attachment hashes)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("contenu"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "number"]
        verbose_name = _("version de dossier")
        verbose_name_plural = _("versions de dossier")
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="calls_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} v{self.number}"


class Message(models.Model):
    """A message between the applicant (and the place's managers) and the call's staff."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_staff = models.BooleanField(default=False)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.application.reference} — {self.created_at:%d/%m/%Y %H:%M}"


class Attachment(models.Model):
    """A private file of a dossier (step 4, a file question, or a message), checked by content on upload."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    question = models.ForeignKey(Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    title = models.CharField(_("intitulé"), max_length=200, blank=True, default="")
    file = models.FileField(storage=private_storage, upload_to=random_upload_name, max_length=200)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("taille (octets)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "uploaded_at", "pk"]
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")

    def __str__(self) -> str:
        return self.original_name
