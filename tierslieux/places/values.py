"""The editable values of a place, validated and normalised by a form: `PlaceValuesForm`, used by
`services.place_validate` / `place_create` / `place_update` — hence by the imports (`load_places`, the import
engine), the API and the contributions. Its data is Python values (an import row, an API body, a snapshot),
not only text. Each field says what it accepts and how it writes it; `clean()` holds the rules that join
fields (contact route, origin of the point, commune). Messages are whole French sentences naming the value."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tierslieux.geo.models import Commune

from .locating import commune_for
from .models import (
    Accessibility,
    ContactRoute,
    EquipmentCategory,
    Label,
    LegalForm,
    LocationOrigin,
    PlaceStatus,
    PlaceType,
    Service,
)
from .validation import validate_coordinates, validate_rna, validate_siret

DAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
_TIME_RE = re.compile(r"^([01]\d|2[0-4]):[0-5]\d$")
SURFACE_RANGE = gettext_lazy("La surface doit être comprise entre 1 et 999 999 m².")


class ValueField(forms.Field):
    """A field of Python data: never required unless told, no widget parsing."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class TextField(ValueField):
    """Text without surrounding spaces, cut at `max_length` (`collapse`: inner runs of spaces made one)."""

    def __init__(self, *, max_length: int | None = None, collapse: bool = False, **kwargs):
        self.max_length, self.collapse = max_length, collapse
        super().__init__(**kwargs)

    def to_python(self, value) -> str:
        text = str(value or "")
        text = " ".join(text.split()) if self.collapse else text.strip()
        return text[: self.max_length] if self.max_length else text


class PostcodeField(ValueField):
    """Five digits ("2A004" for Corsica); a code that lost its leading zero gets it back; "00000" is none."""

    def to_python(self, value) -> str:
        postcode = re.sub(r"\s", "", str(value or ""))
        if postcode in {"0", "00000"}:
            return ""
        if postcode and not re.fullmatch(r"\d{5}|\d[AB]\d{3}", postcode):
            if not re.fullmatch(r"\d{4}", postcode):
                raise ValidationError(_("Le code postal doit comporter 5 chiffres."))
            postcode = "0" + postcode
        return postcode


class CodesField(ValueField):
    """Codes of `choices` (one code or a list), each kept once in the order given; `default` when none.
    `what` names a code in the refusal ("type de lieu")."""

    def __init__(self, *, choices, what: str | Promise, default: tuple[str, ...] = (), **kwargs):
        self.allowed, self.what, self.default = set(choices.values), what, list(default)
        super().__init__(**kwargs)

    def to_python(self, value) -> list[str]:
        if value in (None, ""):
            return list(self.default)
        codes = []
        for code in [value] if isinstance(value, str) else value:
            if code not in self.allowed:
                raise ValidationError(
                    _("« %(code)s » n’est pas un %(label)s connu.") % {"code": code, "label": self.what}
                )
            if code not in codes:
                codes.append(code)
        return codes or list(self.default)


class CodeField(ValueField):
    """One code of `choices`, `default` when empty; `unknown` names the refused value."""

    def __init__(self, *, choices, unknown: str | Promise, default: str = "", **kwargs):
        self.allowed, self.unknown, self.default = set(choices.values), unknown, default
        super().__init__(**kwargs)

    def to_python(self, value) -> str:
        code = value or self.default
        if code not in self.allowed:
            raise ValidationError(self.unknown % {"value": code})
        return str(code)


class CheckedField(ValueField):
    """Text normalised by a validator that returns it (`validation.validate_siret`, `validate_rna`)."""

    def __init__(self, *, check, **kwargs):
        self.check = check
        super().__init__(**kwargs)

    def to_python(self, value) -> str:
        return self.check(str(value or ""))


def parse_date(value) -> dt.date | None:
    """A date, or its ISO text ("2026-03-12"); None when empty. Raise ValidationError otherwise."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(
            _("Date invalide : %(value)s (attendu : AAAA-MM-JJ).") % {"value": value}
        ) from None


class IsoDateField(ValueField):
    def to_python(self, value) -> dt.date | None:
        return parse_date(value)


def parse_hours(intervals) -> list[list[str]]:
    """[["09:00", "12:00"], …] sorted; each interval starts before it ends."""
    cleaned = []
    for interval in intervals or []:
        if not (
            isinstance(interval, list | tuple)
            and len(interval) == 2
            and all(isinstance(t, str) and _TIME_RE.match(t) for t in interval)
            and interval[0] < interval[1]
        ):
            raise ValidationError(
                _('Horaires invalides : %(value)s (attendu : ["09:00", "12:00"]).') % {"value": interval}
            )
        cleaned.append([interval[0], interval[1]])
    return sorted(cleaned)


class OpeningHoursField(ValueField):
    """{"mo": [["09:00", "12:00"]], …}: days without hours left out."""

    def to_python(self, value) -> dict:
        if not value:
            return {}
        if not isinstance(value, dict) or set(value) - set(DAYS):
            raise ValidationError(_("Les horaires sont un dictionnaire par jour (mo … su)."))
        return {day: parse_hours(value[day]) for day in DAYS if value.get(day)}


class OpeningExceptionsField(ValueField):
    """[{"start", "end", "hours", "label"}, …] sorted by start; one day when there is no end."""

    def to_python(self, value) -> list[dict]:
        cleaned = []
        for item in value or []:
            if not isinstance(item, dict):
                raise ValidationError(_("Chaque exception est un dictionnaire."))
            start = parse_date(item.get("start"))
            end = parse_date(item.get("end") or item.get("start"))
            if start is None or end is None or end < start:
                raise ValidationError(
                    _("Une exception a besoin d’une date de début antérieure à sa date de fin.")
                )
            cleaned.append(
                {
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "hours": parse_hours(item.get("hours")),
                    "label": str(item.get("label", ""))[:200],
                }
            )
        return sorted(cleaned, key=lambda e: e["start"])


class EquipmentField(ValueField):
    """[{"category", "name"}, …]; a bare name is of the category "other"; nameless items are dropped."""

    def to_python(self, value) -> list[dict]:
        cleaned = []
        allowed = set(EquipmentCategory.values)
        for item in value or []:
            if isinstance(item, str):
                item = {"category": EquipmentCategory.OTHER, "name": item}
            name = str(item.get("name", "")).strip()[:200]
            category = item.get("category") or EquipmentCategory.OTHER
            if category not in allowed:
                raise ValidationError(_("Catégorie d’équipement inconnue : %(value)s") % {"value": category})
            if name:
                cleaned.append({"category": str(category), "name": name})
        return cleaned


class WebAddressField(ValueField):
    """An http(s) address; "https://" is added when the scheme is missing."""

    default_validators = [
        URLValidator(
            schemes=["http", "https"], message=gettext_lazy("« %(value)s » n’est pas une adresse web valide.")
        )
    ]

    def to_python(self, value) -> str:
        address = (value or "").strip()
        if address and not re.match(r"^https?://", address, re.I):
            address = "https://" + address
        return address


class WebAddressesField(ValueField):
    """A list of web addresses (empty items dropped)."""

    address = WebAddressField()

    def to_python(self, value) -> list[str]:
        return [self.address.clean(link) for link in (value or []) if link]


class SurfaceField(ValueField):
    default_validators = [
        MinValueValidator(1, message=SURFACE_RANGE),
        MaxValueValidator(999_999, message=SURFACE_RANGE),
    ]

    def to_python(self, value) -> int | None:
        if value in (None, ""):
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ValidationError(_("La surface est un nombre entier de m².")) from None


class PhoneField(ValueField):
    """A French number written "01 23 45 67 89", or an international one "+590 590 12 34 56" kept as typed
    (digits and spaces); "" when empty."""

    def to_python(self, value) -> str:
        raw = str(value or "").strip()
        if not raw:
            return ""
        digits = re.sub(r"[\s.\-()]", "", raw)
        if re.fullmatch(r"0\d{9}", digits):
            return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
        if re.fullmatch(r"\+\d{8,15}", digits):
            return " ".join(raw.replace(".", " ").replace("-", " ").split())
        raise ValidationError(
            _("« %(value)s » n’est pas un numéro de téléphone (10 chiffres, ou +indicatif).") % {"value": raw}
        )


class PlaceValuesForm(forms.Form):
    """The complete editable values of a place (`services.EDITABLE_FIELDS`). The fields are declared in the
    order their rules are checked: `first_error` is the refusal the services raise."""

    name = TextField(
        max_length=200,
        collapse=True,
        required=True,
        error_messages={"required": gettext_lazy("Le nom du lieu est obligatoire.")},
    )
    short_description = TextField(max_length=300)
    description = TextField()
    address = TextField(max_length=300)
    postcode = PostcodeField()
    lon = ValueField()
    lat = ValueField()
    types = CodesField(choices=PlaceType, what=gettext_lazy("type de lieu"), default=(PlaceType.OTHER.value,))
    labels = CodesField(choices=Label, what=gettext_lazy("label"))
    services = CodesField(choices=Service, what=gettext_lazy("service"))
    accessibility = CodesField(choices=Accessibility, what=gettext_lazy("critère d’accessibilité"))
    status = CodeField(
        choices=PlaceStatus, default=PlaceStatus.OPEN, unknown=gettext_lazy("Statut inconnu : %(value)s")
    )
    legal_form = CodeField(choices=LegalForm, unknown=gettext_lazy("Forme juridique inconnue : %(value)s"))
    siret = CheckedField(check=validate_siret)
    rna = CheckedField(check=validate_rna)
    opening_date = IsoDateField()
    last_verified_at = IsoDateField()
    opening_hours = OpeningHoursField()
    opening_exceptions = OpeningExceptionsField()
    equipment = EquipmentField()
    website = WebAddressField()
    social_links = WebAddressesField()
    surface_m2 = SurfaceField()
    contact_route = CodeField(
        choices=ContactRoute,
        default=ContactRoute.FORM,
        unknown=gettext_lazy("Moyen de contact inconnu : %(value)s"),
    )
    contact_phone = PhoneField()
    contact_url = WebAddressField()
    contact_email = forms.EmailField(
        required=False,
        error_messages={"invalid": gettext_lazy("« %(value)s » n’est pas une adresse électronique valide.")},
    )
    source = TextField(max_length=40)
    location_approximate = ValueField()
    location_origin = ValueField()
    private_contact = ValueField()
    commune = ValueField()

    def clean_lat(self):
        """The point, both coordinates together (the error is on `lat`): numbers inside France."""
        lon, lat = validate_coordinates(self.cleaned_data.get("lon"), self.cleaned_data.get("lat"))
        self.cleaned_data["lon"] = lon
        return lat

    def clean_private_contact(self) -> dict:
        return self.cleaned_data.get("private_contact") or {}

    def clean(self):
        data = self.cleaned_data
        route = data.get("contact_route")
        if route == ContactRoute.PHONE and "contact_phone" in data and not data["contact_phone"]:
            self.add_error("contact_phone", _("Indiquez le numéro de téléphone à afficher."))
        if (
            route == ContactRoute.WEBSITE
            and {"contact_url", "website"} <= set(data)
            and not (data["contact_url"] or data["website"])
        ):
            self.add_error("contact_url", _("Indiquez l’adresse de la page de contact du lieu."))
        self._clean_location()
        return data

    def _clean_location(self) -> None:
        """The origin of the point ("commune" when approximate, the two saying the same thing), then the
        commune: the one given (or its INSEE code), else the one of the point."""
        data = self.cleaned_data
        origin = data.get("location_origin") or (
            LocationOrigin.COMMUNE if data.get("location_approximate") else LocationOrigin.SOURCE
        )
        if origin not in LocationOrigin.values:
            self.add_error("location_origin", _("Origine du point inconnue : %(value)s") % {"value": origin})
        else:
            data["location_origin"] = str(origin)
            data["location_approximate"] = origin == LocationOrigin.COMMUNE
        commune = data.get("commune")
        if commune is not None and not isinstance(commune, Commune):
            commune = Commune.objects.filter(pk=str(commune)).first()
            if commune is None:
                self.add_error(
                    "commune", _("Commune inconnue : %(value)s") % {"value": self.data.get("commune")}
                )
                return
        if commune is None and {"lon", "lat", "postcode"} <= set(data):
            commune = commune_for(lon=data["lon"], lat=data["lat"], postcode=data["postcode"])
            if commune is None:
                self.add_error("commune", _("Impossible de trouver la commune de ce lieu."))
                return
        data["commune"] = commune

    def first_error(self) -> ValidationError:
        """The refusal of invalid values: the error of the first field whose rule fails, in French (one at a
        time, as the imports expect: a refused secondary value is dropped and the row checked again)."""
        name, errors = next(iter(self.errors.as_data().items()))
        return ValidationError({name: errors})


def clean_place_values(values: dict) -> dict:
    """`values` (complete: every editable field) validated and normalised; raise ValidationError in French."""
    form = PlaceValuesForm(data=values)
    if not form.is_valid():
        raise form.first_error()
    return form.cleaned_data
