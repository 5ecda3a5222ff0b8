"""The atlas filter form (GET): rendered by DSFR; the values are read by `selectors.parse_filters`."""

from __future__ import annotations

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from tierslieux.geo.forms import CommuneTextField

from .models import Label, PlaceStatus, PlaceType, Service


class AtlasFilterForm(DsfrBaseForm):
    q = forms.CharField(
        label=_("Rechercher un lieu ou une ville"),
        required=False,
        max_length=200,
        help_text=_("Les accents et petites fautes de frappe sont tolérés."),
    )
    around = CommuneTextField(
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
    mediation = forms.BooleanField(
        label=_("Afficher aussi les lieux de médiation numérique"),
        required=False,
        help_text=_(
            "Une couche à part : la liste d’une seule région (Auvergne-Rhône-Alpes, Hinaura, 2021-2022), "
            "comptée à part des tiers-lieux."
        ),
    )
    region = forms.ChoiceField(label=_("Région"), required=False)
    department = forms.ChoiceField(label=_("Département"), required=False)
    epci = forms.CharField(label=_("EPCI (SIREN)"), required=False, max_length=9)
    commune = forms.CharField(label=_("Commune (code INSEE)"), required=False, max_length=5)
    lat = forms.CharField(required=False, widget=forms.HiddenInput)
    lon = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, regions=(), departments=(), facets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("Toutes")), *regions]
        self.fields["department"].choices = [("", _("Tous")), *departments]
        if facets is not None:
            self._count_choices(facets)

    def _count_choices(self, facets) -> None:
        """Each value with the number of places it gives (the other filters kept); values giving none are
        hidden, unless they are ticked."""
        selected = self.data if self.is_bound else {}
        for name, counts in (
            ("type", facets.types),
            ("service", facets.services),
            ("label", facets.labels),
            ("status", facets.statuses),
        ):
            ticked = set(selected.getlist(name)) if hasattr(selected, "getlist") else set()
            self.fields[name].choices = [
                (code, self._counted(label, counts.get(code, 0)))
                for code, label in self.fields[name].choices
                if counts.get(code, 0) or code in ticked
            ]
        self.fields["mediation"].label = self._counted(
            self.fields["mediation"].label, facets.digital_inclusion
        )

    @staticmethod
    def _counted(label, count: int) -> str:
        return gettext_now("%(label)s (%(count)s)") % {
            "label": label,
            "count": number_format(count, force_grouping=True),
        }
