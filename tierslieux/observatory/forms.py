"""The observatory's filters (GET, all in the URL): a territory — a region, a department or an EPCI — and a
year (census and mentoring). A bad value is refused with a French message (400), never ignored."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from dsfr.forms import DsfrBaseForm

from tierslieux.geo import selectors as geo_selectors
from tierslieux.geo.diagnostic import selectors as diagnostic_selectors

from .selectors import Filters

FIELDS = ("region", "departement", "epci", "annee")


class FilterForm(DsfrBaseForm):
    region = forms.ChoiceField(label=gettext_lazy("Région"), required=False)
    departement = forms.ChoiceField(label=gettext_lazy("Département"), required=False)
    epci = forms.CharField(
        label=gettext_lazy("Intercommunalité (EPCI)"),
        help_text=gettext_lazy("Numéro SIREN à 9 chiffres, par exemple 242900314 pour Brest Métropole."),
        required=False,
        max_length=9,
    )
    annee = forms.IntegerField(
        label=gettext_lazy("Année du recensement et du compagnonnage"),
        help_text=gettext_lazy("Vide : le dernier recensement, le compagnonnage de toutes les années."),
        required=False,
        min_value=2019,
    )

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        names = geo_selectors.territory_names("region")
        self.fields["region"].choices = [
            ("", _("France entière")),
            *sorted(((code, name) for code, name in names.items()), key=lambda item: item[1]),
        ]
        departments = geo_selectors.territory_names("department")
        self.fields["departement"].choices = [("", _("Tous"))] + [
            (code, f"{departments[code]} ({code})") for code in sorted(departments)
        ]
        self.fields["annee"].widget.attrs.update(max=timezone.localdate().year)

    def clean_annee(self):
        year = self.cleaned_data.get("annee")
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError(
                _("Choisissez une année passée ou l’année en cours (%(year)s au plus).")
                % {"year": timezone.localdate().year}
            )
        return year

    def clean_epci(self):
        code = (self.cleaned_data.get("epci") or "").strip()
        if code and not (code.isdigit() and len(code) == 9):
            raise forms.ValidationError(_("Un numéro SIREN d’intercommunalité a 9 chiffres."))
        return code

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        region, department, epci = data.get("region"), data.get("departement"), data.get("epci")
        territory = diagnostic_selectors.FRANCE
        try:
            if epci:
                territory = diagnostic_selectors.territory_get("epci", epci)
            elif department:
                territory = diagnostic_selectors.territory_get("departement", department)
            elif region:
                territory = diagnostic_selectors.territory_get("region", region)
        except diagnostic_selectors.TerritoryNotFound:
            self.add_error("epci", _("Aucune intercommunalité n’a ce numéro SIREN."))
            return data
        # A more precise territory must lie in the wider ones also given.
        if epci and department and department not in geo_selectors.population_by("department", epci=epci):
            self.add_error("epci", _("Cette intercommunalité n’est pas dans le département choisi."))
        if region and (department or epci):
            within = geo_selectors.population_by("region", region=region, **_scope_of(territory))
            if region not in within:
                self.add_error("region", _("Le territoire choisi n’est pas dans cette région."))
        data["territory"] = territory
        return data

    def filters(self, params) -> Filters:
        """The filters chosen; call is_valid() first."""
        data = self.cleaned_data
        kept = tuple((name, str(params.get(name))) for name in FIELDS if params.get(name))
        return Filters(territory=data["territory"], year=data.get("annee"), params=kept)


def _scope_of(territory) -> dict[str, str]:
    return {"departement": {"department": territory.code}, "epci": {"epci": territory.code}}.get(
        territory.kind, {}
    )


def filters_from(params) -> tuple[FilterForm, Filters | None]:
    """The form bound to the query (unbound without any filter) and the filters, or None when a value is bad."""
    if not any(params.get(name) for name in FIELDS):
        form = FilterForm()
        return form, Filters()
    form = FilterForm(params)
    if not form.is_valid():
        return form, None
    return form, form.filters(params)
