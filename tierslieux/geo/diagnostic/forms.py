from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from tierslieux.core.forms import required_to_submit
from tierslieux.geo.forms import CommuneTextField
from tierslieux.geo.selectors import territory_search
from tierslieux.places.models import Label, PlaceStatus, PlaceType

from .inputs import DEFAULT_FILTER, PlaceFilter


class PlaceFilterForm(DsfrBaseForm):
    """Which places count (GET). Without any parameter: open places of every type and label."""

    statut = forms.MultipleChoiceField(
        label=_("Statut des lieux comptés"),
        choices=PlaceStatus.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    type = forms.MultipleChoiceField(
        label=_("Types de lieux"),
        help_text=_("Aucun coché : tous les types."),
        choices=PlaceType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    label = forms.MultipleChoiceField(
        label=_("Labels"),
        help_text=_("Aucun coché : avec ou sans label."),
        choices=Label.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    mediation = forms.BooleanField(
        label=_("Compter aussi les lieux de médiation numérique"),
        help_text=_(
            "La liste d’une seule région (Auvergne-Rhône-Alpes, Hinaura, 2021-2022) : les compter rend les "
            "régions incomparables."
        ),
        required=False,
    )

    FIELDS = ("statut", "type", "label", "mediation")

    def __init__(self, data=None, *args, **kwargs):
        self.submitted = data is not None and any(name in data for name in (*self.FIELDS, "filtrer"))
        if not self.submitted:
            data = None
            kwargs.setdefault("initial", {"statut": list(DEFAULT_FILTER.statuses)})
        super().__init__(data, *args, **kwargs)
        required_to_submit(self.fields["statut"])  # at least one status (clean_statut): never "(Optionnel)"

    def clean_statut(self):
        value = self.cleaned_data["statut"]
        if not value:
            raise forms.ValidationError(_("Cochez au moins un statut de lieu."))
        return value

    def place_filter(self) -> PlaceFilter:
        """The filter chosen (the default one when the form was not submitted); call is_valid() first."""
        if not self.submitted:
            return DEFAULT_FILTER
        data = self.cleaned_data
        return PlaceFilter(
            statuses=tuple(data["statut"]),
            types=tuple(data["type"]),
            labels=tuple(data["label"]),
            digital_inclusion=bool(data["mediation"]),
        )


def place_filter_from(data) -> tuple[PlaceFilterForm, PlaceFilter | None]:
    """The bound filter form and its filter (None when the parameters are invalid)."""
    form = PlaceFilterForm(data)
    if form.submitted and not form.is_valid():
        return form, None
    if not form.submitted:
        return form, DEFAULT_FILTER
    return form, form.place_filter()


class WhatIfForm(DsfrBaseForm):
    """A hypothetical place: a point (map click) or a commune (its town hall)."""

    commune = CommuneTextField(
        label=_("Commune (nom ou code INSEE)"),
        max_length=100,
        required=False,
        help_text=_("Le lieu hypothétique est placé à la mairie de la commune."),
    )
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if self.errors:
            raise forms.ValidationError(
                _("Coordonnées invalides : cliquez sur la carte ou choisissez une commune.")
            )
        lon, lat, typed = data.get("lon"), data.get("lat"), data.get("commune")
        if lon is not None and lat is not None:
            data["point"], data["place_label"] = (lon, lat), None
            return data
        query = typed.text if typed else ""
        if not query:
            raise forms.ValidationError(_("Cliquez sur la carte ou indiquez une commune."))
        from tierslieux.geo.models import Commune

        # The combobox's choice (its INSEE code); without it, the best match of the text.
        commune = typed.chosen
        if commune is None:
            found = territory_search(query, limit=1, kinds=("commune",))
            commune = Commune.objects.filter(insee=found[0].code).first() if found else None
        if commune is None or commune.point is None:
            self.add_error("commune", _("Aucune commune ne correspond à « %(q)s ».") % {"q": query})
            return data
        data["point"], data["place_label"] = commune.point, f"{commune.name} ({commune.insee})"
        return data
