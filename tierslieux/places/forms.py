"""The atlas filter form (GET): rendered by DSFR; the values are read by `selectors.parse_filters`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from .models import Label, PlaceStatus, PlaceType, Service


class AtlasFilterForm(DsfrBaseForm):
    q = forms.CharField(
        label=_("Rechercher un lieu ou une ville"),
        required=False,
        max_length=200,
        help_text=_("Les accents et petites fautes de frappe sont tolérés."),
    )
    around = forms.CharField(
        label=_("Autour de (commune ou code postal)"),
        required=False,
        max_length=100,
        help_text=_("Trie les lieux par distance."),
    )
    type = forms.MultipleChoiceField(
        label=_("Type de lieu"),
        required=False,
        choices=PlaceType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    service = forms.MultipleChoiceField(
        label=_("Services"), required=False, choices=Service.choices, widget=forms.CheckboxSelectMultiple
    )
    label = forms.MultipleChoiceField(
        label=_("Labels"), required=False, choices=Label.choices, widget=forms.CheckboxSelectMultiple
    )
    status = forms.MultipleChoiceField(
        label=_("Statut"), required=False, choices=PlaceStatus.choices, widget=forms.CheckboxSelectMultiple
    )
    open_now = forms.BooleanField(label=_("Ouvert maintenant"), required=False)
    region = forms.ChoiceField(label=_("Région"), required=False)
    department = forms.ChoiceField(label=_("Département"), required=False)
    epci = forms.CharField(label=_("EPCI (SIREN)"), required=False, max_length=9)
    commune = forms.CharField(label=_("Commune (code INSEE)"), required=False, max_length=5)
    lat = forms.CharField(required=False, widget=forms.HiddenInput)
    lon = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, regions=(), departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("Toutes"))] + list(regions)
        self.fields["department"].choices = [("", _("Tous"))] + list(departments)
