"""Forms of the review and decision side (thin: writes are services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from tierslieux.core.forms import required_to_submit
from tierslieux.geo.models import Department, Region

from ..forms import DATETIME_FORMATS, DATETIME_WIDGET
from ..models import DecisionOutcome, Status


class ReviewerChoiceMixin(forms.Form):
    """A required choice among `reviewers` (passed to the constructor), shown by display name."""

    reviewer = forms.ModelChoiceField(
        label=_("Instructeur·rice"),
        queryset=None,
        error_messages={"invalid_choice": _("Choisissez une personne de la liste.")},
    )

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers
        self.fields["reviewer"].label_from_instance = lambda user: user.display_name


class AssignForm(ReviewerChoiceMixin, DsfrBaseForm):
    due_at = forms.DateTimeField(
        label=_("Évaluation attendue avant le (heure de Paris)"),
        required=False,
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
    )


class ProposalForm(DsfrBaseForm):
    avoid_same_department = forms.BooleanField(
        label=_("Éviter les instructeur·rices du département du dossier"), required=False
    )
    due_at = forms.DateTimeField(
        label=_("Évaluations attendues avant le (heure de Paris)"),
        required=False,
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
    )


class ConflictForm(DsfrBaseForm):
    has_conflict = forms.TypedChoiceField(
        label=_("Avez-vous un conflit d’intérêts avec ce dossier ?"),
        choices=[
            ("non", _("Non, je n’ai aucun lien avec le porteur ni avec le lieu")),
            ("oui", _("Oui, j’ai un lien (personnel, professionnel, financier…)")),
        ],
        coerce=lambda value: value == "oui",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Répondez par oui ou par non."),
            "invalid_choice": _("Répondez par oui ou par non."),
        },
    )
    details = forms.CharField(
        label=_("Précisions"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReviewForm(DsfrBaseForm):
    """One 0–max note and a comment per criterion, and a general opinion."""

    comment = forms.CharField(
        label=_("Avis général"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    # Optimistic versioning: the saved version the reviewer started from (services.review_version_token).
    version = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            choices = [("", "—")] + [(str(v), str(v)) for v in range(criterion.scale_max + 1)]
            # A draft may be saved without notes; every criterion is noted before the review is submitted.
            self.fields[f"score_{criterion.pk}"] = required_to_submit(
                forms.TypedChoiceField(
                    label=gettext("%(criterion)s — note (0 à %(max)s, poids %(weight)s)")
                    % {"criterion": criterion.name, "max": criterion.scale_max, "weight": criterion.weight},
                    help_text=criterion.description,
                    choices=choices,
                    coerce=int,
                    empty_value=None,
                    required=False,
                    error_messages={"invalid_choice": _("Choisissez une note de la liste.")},
                )
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=gettext("%(criterion)s — commentaire") % {"criterion": criterion.name},
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.order_fields(
            [*[n for c in self.criteria for n in (f"score_{c.pk}", f"comment_{c.pk}")], "comment", "version"]
        )

    def scores(self) -> dict[int, tuple[int | None, str]]:
        return {
            c.pk: (self.cleaned_data.get(f"score_{c.pk}"), self.cleaned_data.get(f"comment_{c.pk}", ""))
            for c in self.criteria
        }


class StaffNoteForm(DsfrBaseForm):
    body = forms.CharField(
        label=_("Note interne (jamais montrée au porteur ni aux instructeur·rices)"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(DsfrBaseForm):
    outcome = forms.ChoiceField(
        label=_("Décision"),
        choices=DecisionOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Cette décision n’existe pas.")},
    )
    envelope = forms.ModelChoiceField(
        label=_("Enveloppe"),
        help_text=_("Pour un dossier retenu."),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": _("Choisissez une enveloppe de l’appel.")},
    )
    motivation = forms.CharField(
        label=_("Motivation"),
        help_text=_("Nécessaire si le dossier est refusé ou classé sans suite ; le porteur la reçoit."),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        self.fields["envelope"].queryset = call.envelopes.all()
        # Needed according to the decision (retained: envelope and amounts; otherwise: a motivation).
        required_to_submit(self.fields["envelope"])
        required_to_submit(self.fields["motivation"])
        for year in range(1, call.years + 1):
            self.fields[f"amount_{year}"] = required_to_submit(
                forms.IntegerField(
                    label=gettext("Montant accordé, année %(year)s (€)") % {"year": year},
                    required=False,
                    min_value=0,
                    max_value=call.max_per_year or None,
                    error_messages={
                        "max_value": _("Au plus %(limit_value)s € par an."),
                        "min_value": _("Un montant ne peut pas être négatif."),
                        "invalid": _("Saisissez un nombre entier d’euros."),
                    },
                    help_text=_("Pour un dossier retenu."),
                )
            )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == DecisionOutcome.ACCEPTED:
            for year in range(1, self.call.years + 1):
                if data.get(f"amount_{year}") is None and f"amount_{year}" not in self.errors:
                    self.add_error(f"amount_{year}", _("Indiquez le montant de cette année."))
        elif data.get("outcome") and not (data.get("motivation") or "").strip():
            self.add_error("motivation", _("Motivez la décision : le porteur la recevra."))
        return data

    def amounts(self) -> list[int]:
        return [self.cleaned_data.get(f"amount_{y}") or 0 for y in range(1, self.call.years + 1)]


STATUS_CHOICES = [("", _("Tous"))] + [(s.value, s.label) for s in Status if s != Status.DRAFT]


class StaffFilterForm(DsfrBaseForm):
    """The filters of the staff list (GET); invalid values are reported, not ignored."""

    wave = forms.ModelChoiceField(label=_("Vague"), queryset=None, required=False, empty_label=_("Toutes"))
    envelope = forms.ModelChoiceField(
        label=_("Enveloppe"), queryset=None, required=False, empty_label=_("Toutes")
    )
    status = forms.ChoiceField(label=_("Statut"), choices=STATUS_CHOICES, required=False)
    region = forms.ModelChoiceField(
        label=_("Région"), queryset=Region.objects.order_by("name"), required=False, empty_label=_("Toutes")
    )
    reviewer = forms.ModelChoiceField(
        label=_("Instructeur·rice"), queryset=None, required=False, empty_label=_("Tous")
    )
    min_score = forms.FloatField(label=_("Note moyenne au moins"), required=False, min_value=0, max_value=5)
    max_score = forms.FloatField(label=_("Note moyenne au plus"), required=False, min_value=0, max_value=5)

    def __init__(self, *args, call, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wave"].queryset = call.waves.all()
        self.fields["envelope"].queryset = call.envelopes.all()
        self.fields["reviewer"].queryset = reviewers
        self.fields["reviewer"].label_from_instance = lambda user: user.display_name


class ReviewerDepartmentForm(ReviewerChoiceMixin, DsfrBaseForm):
    department = forms.ModelChoiceField(
        label=_("Département de rattachement"),
        queryset=None,
        required=False,
        empty_label=_("Aucun"),
        error_messages={"invalid_choice": _("Choisissez un département de la liste.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.order_by("code")
        self.fields["department"].label_from_instance = lambda d: f"{d.code} — {d.name}"
