from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from ..models import Outcome, Theme
from . import CommuneField, DateInput


class MentorOfferForm(DsfrBaseForm):
    themes = forms.MultipleChoiceField(
        label=_("Thèmes"), choices=Theme.choices, widget=forms.CheckboxSelectMultiple
    )
    capacity = forms.IntegerField(
        label=_("Projets accompagnés à la fois"), min_value=1, max_value=20, initial=2
    )
    travel_km = forms.IntegerField(
        label=_("Distance jusqu’où le lieu se déplace (km)"), min_value=1, max_value=500, initial=50
    )
    description = forms.CharField(
        label=_("Présentation"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    active = forms.BooleanField(label=_("Ouvert à de nouveaux projets"), required=False, initial=True)
    show_on_place_page = forms.BooleanField(
        label=_("J’accepte que les compagnonnages du lieu apparaissent sur sa page"),
        required=False,
        initial=True,
    )


class MentoringRequestForm(DsfrBaseForm):
    project_title = forms.CharField(label=_("Nom du projet"), max_length=200)
    place = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Lieu « en projet »"), empty_label=_("— Aucun —")
    )
    application_reference = forms.ChoiceField(label=_("Dossier de candidature"), required=False)
    commune = CommuneField(required=False, help_text=_("Obligatoire sans lieu : où se trouve le projet."))
    themes = forms.MultipleChoiceField(
        label=_("Thèmes"), choices=Theme.choices, widget=forms.CheckboxSelectMultiple
    )
    message = forms.CharField(
        label=_("Ce que vous cherchez"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4})
    )
    show_on_place_page = forms.BooleanField(
        label=_("J’accepte que le compagnonnage apparaisse sur la page des lieux"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, places, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places
        self.fields["application_reference"].choices = [("", _("— Aucun —"))] + [
            (a.reference, f"{a.reference} — {a.project_title or a.call.title} ({a.get_status_display()})")
            for a in applications
        ]


class EndForm(DsfrBaseForm):
    outcome = forms.ChoiceField(label=_("Issue"), choices=Outcome.choices)
    outcome_note = forms.CharField(
        label=_("Bilan"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MeetingForm(DsfrBaseForm):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    topic = forms.CharField(label=_("Sujet"), max_length=300)
    next_step = forms.CharField(label=_("Prochaine étape"), max_length=300, required=False)
