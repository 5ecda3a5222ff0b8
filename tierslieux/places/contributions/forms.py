"""Forms of the contribution pages. Validation of place data lives in the services (French messages);
`add_service_error` puts them back on the right field."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from dsfr.forms import DsfrBaseForm

from tierslieux.core.forms import required_to_submit
from tierslieux.geo.forms import CommuneField, Point, PointField
from tierslieux.places.importing import IMPORT_FIELDS, LIST_FIELDS
from tierslieux.places.models import PlaceStatus, PlaceType, Service

from .models import ReportKind

HONEYPOT = "telephone_fixe"
# The fields of the place form, in the order of the page.
PLACE_FORM_FIELDS = (
    "name",
    "types",
    "short_description",
    "description",
    "address",
    "postcode",
    "commune",
    "point",
    "status",
    "website",
    "services",
)


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Show a ValidationError raised by a service on the form (its field when the form has it)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def bot_detected(request) -> bool:
    """The honeypot field (invisible to people) was filled: a robot."""
    return bool(request.POST.get(HONEYPOT, "").strip())


class PlaceDataForm(DsfrBaseForm):
    name = forms.CharField(label=_("Nom du lieu"), max_length=200)
    types = forms.MultipleChoiceField(
        label=_("Types de lieu"),
        choices=PlaceType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    short_description = forms.CharField(
        label=_("Description courte"),
        max_length=300,
        required=False,
        help_text=_("Une phrase, 300 caractères au plus."),
    )
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    address = forms.CharField(label=_("Adresse"), max_length=300, required=False)
    postcode = forms.CharField(
        label=_("Code postal"), max_length=5, required=False, help_text=_("5 chiffres")
    )
    commune = CommuneField(label=_("Commune"))
    point = PointField(
        label=_("Position du lieu"),
        required=False,
        help_text=_(
            "Cliquez sur la carte, déplacez le repère (à la souris ou avec les flèches du clavier), ou saisissez "
            "les coordonnées (47,8712 ou 47°52'16\"N). Sans position, le lieu est placé à la mairie de sa "
            "commune et signalé comme approximatif."
        ),
    )
    status = forms.ChoiceField(label=_("Statut"), choices=PlaceStatus.choices, initial=PlaceStatus.OPEN)
    website = forms.CharField(
        label=_("Site web"),
        max_length=300,
        required=False,
        help_text=_("Format attendu : https://exemple.fr"),
    )
    services = forms.MultipleChoiceField(
        label=_("Services proposés"),
        choices=Service.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean(self):
        data = super().clean()
        commune, point = data.get("commune"), data.get("point")
        if commune is not None and point is not None:
            from tierslieux.geo.lookup import commune_at

            found = commune_at(point.lon, point.lat)
            if found and found not in {commune.pk, commune.parent_id}:
                from tierslieux.geo.models import Commune

                other = Commune.objects.filter(pk=found).first()
                self.add_error(
                    "point",
                    _(
                        "Ce point est dans la commune %(found)s, pas à %(commune)s : corrigez la commune ou le point."
                    )
                    % {"found": other.name if other else found, "commune": commune.name},
                )
        return data

    def place_data(self) -> dict:
        """The form's values as place data: the point (or the commune's, approximate) and its origin."""
        data = {field: self.cleaned_data[field] for field in PLACE_FORM_FIELDS if field != "point"}
        point, commune = self.cleaned_data.get("point"), self.cleaned_data["commune"]
        if point is None:
            spot = commune.point or (commune.parent.point if commune.parent_id else None)
            if spot is None:
                raise ValidationError(
                    {"point": _("Indiquez la position du lieu : sa commune n’a pas de point connu.")}
                )
            return data | {"lon": spot[0], "lat": spot[1], "location_origin": "commune"}
        data |= {"lon": point.lon, "lat": point.lat, "location_origin": point.origin}
        initial = self.initial.get("point")
        if isinstance(initial, Point) and (round(initial.lon, 6), round(initial.lat, 6)) == (
            round(point.lon, 6),
            round(point.lat, 6),
        ):
            data["location_origin"] = initial.origin  # the point did not move: it keeps its origin
        return data

    @staticmethod
    def initial_for(place) -> dict:
        initial = {field: getattr(place, field) for field in PLACE_FORM_FIELDS if field != "point"}
        return initial | {"point": Point(place.lon, place.lat, place.location_origin)}


class ProposalForm(PlaceDataForm):
    comment = forms.CharField(
        label=_("Commentaire pour l’équipe de modération"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    author_email = forms.EmailField(
        label=_("Votre adresse électronique"),
        required=False,
        help_text=_("Pour être prévenu·e de la décision. Elle n’est jamais publiée."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if getattr(user, "is_authenticated", False):
            del self.fields["author_email"]


class ReportForm(DsfrBaseForm):
    kind = forms.ChoiceField(label=_("Quelle erreur ?"), choices=ReportKind.choices, widget=forms.RadioSelect)
    message = forms.CharField(
        label=_("Précisez"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Par exemple la bonne adresse ou la date de fermeture."),
    )
    author_email = forms.EmailField(
        label=_("Votre adresse électronique"),
        required=False,
        help_text=_("Elle n’est jamais publiée."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if getattr(user, "is_authenticated", False):
            del self.fields["author_email"]


class ClaimForm(DsfrBaseForm):
    message = forms.CharField(
        label=_("Votre lien avec ce lieu"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Votre fonction, la structure qui gère le lieu, un moyen de vérifier (site, SIRET…)."),
    )


class ContactForm(DsfrBaseForm):
    sender_name = forms.CharField(
        label=_("Votre nom"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    sender_email = forms.EmailField(
        label=_("Votre adresse électronique"),
        help_text=_("Pour que le lieu puisse vous répondre. Elle n’est jamais publiée."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    message = forms.CharField(
        label=_("Votre message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )


class DecisionForm(DsfrBaseForm):
    reason = forms.CharField(
        label=_("Motif"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Nécessaire pour un refus ; envoyé à l’auteur·rice."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        required_to_submit(self.fields["reason"])  # required for a refusal: never marked optional


class ImportUploadForm(DsfrBaseForm):
    file = forms.FileField(
        label=_("Fichier à importer"),
        help_text=_(
            "CSV (séparateur et encodage détectés), XLSX, GeoJSON ou JSON (dont le schéma national des lieux "
            "de médiation numérique), 5 Mo au plus."
        ),
    )
    source = forms.SlugField(
        label=_("Nom de la source"),
        max_length=40,
        help_text=_(
            "Un identifiant court (ex. « reseau-bretagne ») : réimporter la même source met à jour les mêmes lieux."
        ),
    )


class MappingForm(DsfrBaseForm):
    """One select per column of the file: which place field it fills."""

    def __init__(self, *args, columns: list[str], choices: list[tuple[str, str]], samples=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = columns
        for number, column in enumerate(columns):
            sample = (samples or {}).get(column) or []
            self.fields[f"col_{number}"] = forms.ChoiceField(
                label=_("Colonne « %(name)s »") % {"name": column},
                choices=choices,
                required=False,
                # django-dsfr renders help texts as HTML: the file's values are escaped here.
                help_text=escape(_("Exemples : %(values)s") % {"values": " | ".join(sample)})
                if sample
                else "",
            )

    def clean(self):
        cleaned = super().clean()
        fields = [f for f in self.mapping().values() if f not in LIST_FIELDS]
        duplicated = sorted({f for f in fields if fields.count(f) > 1})
        if duplicated:
            raise ValidationError(
                _("Chaque champ ne peut recevoir qu’une colonne : %(fields)s.")
                % {"fields": ", ".join(str(_(IMPORT_FIELDS[f])) for f in duplicated)}
            )
        return cleaned

    def mapping(self) -> dict[str, str]:
        return {
            column: self.cleaned_data.get(f"col_{number}") or ""
            for number, column in enumerate(self.columns)
            if self.cleaned_data.get(f"col_{number}")
        }


class ValuesForm(DsfrBaseForm):
    """For each unknown value of a list field: the codes it stands for (none: the value is ignored)."""

    def __init__(self, *args, unknown: list[tuple[str, str, int, list[str]]], choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.unknown = unknown
        for number, (field, value, count, proposed) in enumerate(unknown):
            self.fields[f"value_{number}"] = forms.MultipleChoiceField(
                label=_("« %(value)s » (%(field)s, %(count)s)")
                % {
                    "value": value,
                    "field": _(IMPORT_FIELDS[field]),
                    "count": ngettext("%(n)s ligne", "%(n)s lignes", count) % {"n": count},
                },
                choices=choices[field],
                widget=forms.CheckboxSelectMultiple,
                required=False,
                initial=proposed,
                help_text=_("Aucune case cochée : la valeur est ignorée (sans bloquer la ligne)."),
            )

    def mappings(self) -> dict[str, dict[str, list[str]]]:
        result: dict[str, dict[str, list[str]]] = {}
        for number, (field, value, _count, _proposed) in enumerate(self.unknown):
            result.setdefault(field, {})[value] = list(self.cleaned_data.get(f"value_{number}") or [])
        return result
