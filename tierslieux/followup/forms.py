"""Forms of the follow-up (DSFR). Thin: they read and check what is typed; writes are services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from tierslieux.places.models import LegalForm, PlaceType, Service

from . import identifiers, workflows
from .models import Agreement, AmendmentKind, AnnualReport, AttachmentKind
from .services.agreements import BENEFICIARY_FIELDS, DRAFT_FIELDS, beneficiary_errors

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def date_field(label, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=DATE_WIDGET, input_formats=DATE_FORMATS, help_text=help_text
    )


class AgreementForm(DsfrBaseForm, forms.ModelForm):
    """Staff complete a draft agreement."""

    start_date = date_field(_("Date de début"), required=False)
    siret = forms.CharField(
        label=_("SIRET"),
        required=False,
        max_length=20,
        help_text=_("14 chiffres ; la clé de contrôle est vérifiée."),
    )
    rna = forms.CharField(
        label=_("Numéro RNA"),
        required=False,
        max_length=12,
        help_text=_("Pour une association : « W » suivi de 9 chiffres."),
    )

    class Meta:
        model = Agreement
        fields = list(DRAFT_FIELDS)
        widgets = {"conditions": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "purpose": _("Publié dans les données ouvertes des subventions (255 caractères au plus)."),
            "duration_months": _(
                "Une durée plus longue ou plus courte allonge ou raccourcit la dernière année."
            ),
        }

    def clean_siret(self):
        return identifiers.compact(self.cleaned_data["siret"])

    def clean_rna(self):
        return identifiers.compact(self.cleaned_data["rna"])

    def clean(self):
        data = super().clean()
        for name, message in beneficiary_errors(data).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data


class SignForm(DsfrBaseForm):
    signed_on = date_field(_("Date de signature"))
    signed_file = forms.FileField(
        label=_("Convention signée (PDF, 10 Mo au plus)"), help_text=_("Le contenu du fichier est vérifié.")
    )


class ReasonForm(DsfrBaseForm):
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 3}), max_length=3000)


class MessageForm(DsfrBaseForm):
    message = forms.CharField(
        label=_("Message au bénéficiaire : les corrections attendues"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )


class AmendmentForm(DsfrBaseForm):
    """An avenant: its nature, date, reason, and the fields of that nature (the others are ignored)."""

    kind = forms.ChoiceField(
        label=_("Nature de l’avenant"), choices=AmendmentKind.choices, widget=forms.RadioSelect
    )
    effective_on = date_field(_("Date de l’avenant"))
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 3}), max_length=3000)
    duration_months = forms.IntegerField(
        label=_("Nouvelle durée (mois) — avenant de durée"), required=False, min_value=1, max_value=120
    )
    beneficiary_name = forms.CharField(
        label=_("Raison sociale — changement de bénéficiaire"), required=False, max_length=200
    )
    beneficiary_legal_form = forms.ChoiceField(
        label=_("Forme juridique — changement de bénéficiaire"), choices=LegalForm.choices, required=False
    )
    siret = forms.CharField(label=_("SIRET — changement de bénéficiaire"), required=False, max_length=20)
    rna = forms.CharField(label=_("Numéro RNA — changement de bénéficiaire"), required=False, max_length=12)
    representative_name = forms.CharField(
        label=_("Représentant légal (nom) — changement de bénéficiaire"), required=False, max_length=150
    )
    representative_role = forms.CharField(
        label=_("Représentant légal (qualité) — changement de bénéficiaire"), required=False, max_length=100
    )
    signed_file = forms.FileField(label=_("Avenant signé (PDF)"), required=False)

    def __init__(self, *args, agreement: Agreement, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "duration_months": agreement.duration_months,
                **{name: getattr(agreement, name) for name in BENEFICIARY_FIELDS},
                **{f"amount_{i}": amount for i, amount in enumerate(agreement.amounts, start=1)},
            },
        )
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        for index in range(1, agreement.years + 1):
            self.fields[f"amount_{index}"] = forms.IntegerField(
                label=gettext("Montant de l’année %(year)s (€) — avenant de montants") % {"year": index},
                required=False,
                min_value=0,
            )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == AmendmentKind.AMOUNT:
            for index in range(1, self.agreement.years + 1):
                if data.get(f"amount_{index}") is None:
                    self.add_error(f"amount_{index}", _("Indiquez le montant de cette année."))
        elif kind == AmendmentKind.DURATION and data.get("duration_months") is None:
            self.add_error("duration_months", _("Indiquez la nouvelle durée."))
        elif kind == AmendmentKind.BENEFICIARY:
            for name, message in beneficiary_errors(data, required=True).items():
                if name not in self.errors:
                    self.add_error(name, message)
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        kind = data["kind"]
        if kind == AmendmentKind.AMOUNT:
            return {"amounts": [data[f"amount_{i}"] for i in range(1, self.agreement.years + 1)]}
        if kind == AmendmentKind.DURATION:
            return {"duration_months": data["duration_months"]}
        return {name: data.get(name) or "" for name in BENEFICIARY_FIELDS}


class CommitForm(DsfrBaseForm):
    on = date_field(_("Date d’engagement"))


class PayForm(DsfrBaseForm):
    service_done_on = date_field(_("Date du service fait"))
    on = date_field(_("Date de paiement"))


# --- Reports -------------------------------------------------------------------------------------------------
class ReportForm(DsfrBaseForm, forms.ModelForm):
    """The indicators of an annual report (every field may stay empty in a draft)."""

    revision = forms.IntegerField(widget=forms.HiddenInput)
    tab = forms.CharField(widget=forms.HiddenInput, required=False)
    services = forms.MultipleChoiceField(
        label=_("Services proposés"),
        choices=Service.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = AnnualReport
        fields = [
            "opening_hours_per_week",
            "users_per_month",
            "members",
            "jobs_fte",
            "volunteers",
            "events_held",
            "services",
            "revenue_total",
            "revenue_own",
            "revenue_public",
            "revenue_private",
            "partners",
            "grant_use",
            "narrative",
        ]
        widgets = {
            "partners": forms.Textarea(attrs={"rows": 3}),
            "grant_use": forms.Textarea(attrs={"rows": 4}),
            "narrative": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "users_per_month": _("Personnes différentes accueillies en moyenne chaque mois."),
            "jobs_fte": _("En équivalents temps plein (ex. 2,5)."),
            "revenue_total": _("Total des produits de l’année, en euros."),
            "revenue_own": _("Ventes, prestations, adhésions."),
        }

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ReportAttachmentForm(DsfrBaseForm):
    kind = forms.ChoiceField(label=_("Nature de la pièce"), choices=AttachmentKind.choices)
    file = forms.FileField(label=_("Fichier (PDF, ODT, DOCX, PNG ou JPEG, 10 Mo au plus)"))


# --- Census --------------------------------------------------------------------------------------------------
class CampaignForm(DsfrBaseForm):
    year = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Titre"), max_length=200)
    closes_on = date_field(_("Clôture le"))
    message = forms.CharField(
        label=_("Message aux gestionnaires"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


YES_NO = [("yes", _("Oui")), ("no", _("Non, il a fermé"))]


class CensusAnswerForm(DsfrBaseForm):
    still_open = forms.ChoiceField(
        label=_("Le lieu est-il toujours ouvert ?"), choices=YES_NO, widget=forms.RadioSelect
    )
    types = forms.MultipleChoiceField(
        label=_("Types de lieu"),
        choices=PlaceType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    surface_m2 = forms.IntegerField(label=_("Surface (m²)"), required=False, min_value=1, max_value=1_000_000)
    users_per_month = forms.IntegerField(
        label=_("Usagers par mois"), required=False, min_value=0, max_value=10_000_000
    )
    jobs_fte = forms.DecimalField(
        label=_("Emplois (équivalents temps plein)"),
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=2,
    )
    legal_form = forms.ChoiceField(
        label=_("Forme juridique de la structure"), choices=LegalForm.choices, required=False
    )

    @classmethod
    def initial_for(cls, place) -> dict:
        return {
            "still_open": "yes",
            "types": list(place.types or []),
            "surface_m2": place.surface_m2,
            "legal_form": place.legal_form,
        }

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["still_open"] = data["still_open"] == "yes"
        return data


class DashboardFilterForm(DsfrBaseForm):
    """The dashboard's filters (GET): they live in the URL."""

    appel = forms.ChoiceField(label=_("Appel"), required=False)
    enveloppe = forms.ChoiceField(label=_("Enveloppe"), required=False)
    annee = forms.IntegerField(label=_("Année"), required=False, min_value=2000, max_value=2100)
    statut = forms.ChoiceField(label=_("Statut de la convention"), required=False)

    def __init__(self, *args, calls, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("Tous"))]
        self.fields["appel"].choices = everything + [(str(c.pk), c.title) for c in calls]
        self.fields["enveloppe"].choices = [("", _("Toutes"))] + [
            (str(e.pk), f"{e.call.title} — {e.name}") for c in calls for e in c.envelopes.all()
        ]
        self.fields["statut"].choices = everything + [(s.code, s.label) for s in workflows.AGREEMENT.states]
