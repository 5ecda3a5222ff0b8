"""Configuration of a call: envelopes, waves, eligibility rules (data), scoring grid, extra questions."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Call(models.Model):
    """An AMI, open in successive waves. `staff` are the programme staff members who manage it."""

    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant d’URL"), max_length=220, unique=True)
    summary = models.CharField(_("résumé"), max_length=300, blank=True, default="")
    description = models.TextField(_("description publique (Markdown)"), blank=True, default="")
    total_budget = models.PositiveBigIntegerField(_("budget total (€)"), default=0)
    min_total_amount = models.PositiveIntegerField(_("montant total minimal par lauréat (€)"), default=0)
    max_total_amount = models.PositiveIntegerField(
        _("montant total maximal par lauréat (€)"), default=0, help_text=_("0 : pas de plafond.")
    )
    max_per_year = models.PositiveIntegerField(
        _("montant maximal par an (€)"), default=0, help_text=_("0 : pas de plafond.")
    )
    years = models.PositiveSmallIntegerField(
        _("nombre d’années"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    is_published = models.BooleanField(_("publié"), default=False)
    is_demo = models.BooleanField(
        _("appel de démonstration"),
        default=False,
        help_text=_("Créé par load_demo_calls (réglages de développement) : signalé comme fictif."),
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="managed_calls",
        blank=True,
        verbose_name=_("équipe de l’appel"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("appel à manifestation d’intérêt")
        verbose_name_plural = _("appels à manifestation d’intérêt")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("calls:detail", args=[self.slug])

    def open_wave(self, at=None):
        """The wave open at `at` (now by default), or None."""
        at = at or timezone.now()
        return self.waves.filter(opens_at__lte=at, closes_at__gt=at).order_by("opens_at").first()


class Envelope(models.Model):
    """A named category of laureates, with a number of laureates and/or an amount."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="envelopes")
    name = models.CharField(_("nom"), max_length=150)
    code = models.SlugField(_("code"), max_length=60)
    description = models.TextField(_("description"), blank=True, default="")
    max_laureates = models.PositiveIntegerField(_("nombre de lauréats"), null=True, blank=True)
    amount = models.PositiveBigIntegerField(_("montant de l’enveloppe (€)"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["call", "position", "pk"]
        verbose_name = _("enveloppe")
        verbose_name_plural = _("enveloppes")
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="calls_envelope_unique_code")]

    def __str__(self) -> str:
        return self.name


class Wave(models.Model):
    """A vague: applications are submitted between `opens_at` and `closes_at` (exclusive, to the second)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="waves")
    name = models.CharField(_("nom"), max_length=150)
    opens_at = models.DateTimeField(_("ouverture"))
    closes_at = models.DateTimeField(_("clôture"))
    target_laureates = models.PositiveIntegerField(_("nombre de lauréats visé"), null=True, blank=True)
    description = models.TextField(_("précisions"), blank=True, default="")

    class Meta:
        ordering = ["call", "opens_at"]
        verbose_name = _("vague")
        verbose_name_plural = _("vagues")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="calls_wave_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.opens_at <= at < self.closes_at


class EligibilityRule(models.Model):
    """A named condition (a kind from `tierslieux.calls.eligibility.REGISTRY` with JSON parameters).

    A rule gates the envelopes it is mapped to (all the call's envelopes when none); when `wave` is set it
    applies only to applications of that wave. An application may compete in an envelope when every rule
    gating that envelope holds.
    """

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("condition"), max_length=40)
    params = models.JSONField(_("paramètres"), default=dict, blank=True)
    envelopes = models.ManyToManyField(
        Envelope, related_name="rules", blank=True, verbose_name=_("enveloppes concernées")
    )
    wave = models.ForeignKey(
        Wave,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rules",
        verbose_name=_("vague concernée"),
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["call", "position", "pk"]
        verbose_name = _("règle d’éligibilité")
        verbose_name_plural = _("règles d’éligibilité")

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """A criterion of the scoring grid, scored 0..`scale_max` by each reviewer."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True, default="")
    weight = models.PositiveSmallIntegerField(_("poids"), default=1, validators=[MinValueValidator(1)])
    scale_max = models.PositiveSmallIntegerField(_("note maximale"), default=5)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["call", "position", "pk"]
        verbose_name = _("critère")
        verbose_name_plural = _("critères")

    def __str__(self) -> str:
        return self.name


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Texte")
    NUMBER = "number", _("Nombre")
    CHOICE = "choice", _("Choix dans une liste")
    FILE = "file", _("Fichier")


class Question(models.Model):
    """An extra question of the application form (step 2; file questions are answered in step 4)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(_("intitulé"), max_length=300)
    help_text = models.CharField(_("aide"), max_length=500, blank=True, default="")
    kind = models.CharField(_("type"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.TEXT)
    choices = models.JSONField(_("choix possibles"), default=list, blank=True)
    required = models.BooleanField(_("obligatoire"), default=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["call", "position", "pk"]
        verbose_name = _("question complémentaire")
        verbose_name_plural = _("questions complémentaires")

    def __str__(self) -> str:
        return self.label
