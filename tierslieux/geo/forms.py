"""Reusable form fields for places: a commune autocomplete and a point picked on a map.

    commune = CommuneField(label=_("Commune"))       # cleaned: a Commune
    point = PointField(label=_("Position du lieu"))  # cleaned: Point(lon, lat, origin) or None

Both work without JavaScript: the commune is a text field resolved on the server (name, postcode or INSEE
code, `tierslieux.geo.resolution`), the point two text fields (decimal point or comma, degrees-minutes-
seconds, `tierslieux.geo.coordinates`). With JavaScript the commune field becomes an accessible combobox
(`geo/tl-commune.js`) and the point gets a map with a marker to click, drag or move with the arrow keys
(`geo/tl-point-picker.js`, on the outlines layer when there are no tiles). Pages render `{{ form.media }}`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .coordinates import CoordinateError, format_decimal, in_france, parse_coordinate, resolve_point
from .models import Commune
from .resolution import commune_chosen, commune_display, commune_resolve

LEAFLET_JS = "js_lib_leaflet/leaflet.js"
LEAFLET_CSS = "js_lib_leaflet/leaflet.css"
WIDGETS_CSS = "geo/tl-widgets.css"
ORIGINS = ("person", "address")  # what a person may say about a point they give


class CommuneWidget(forms.TextInput):
    """A text input for a commune and a hidden input for the INSEE code the combobox chose."""

    template_name = "geo/widgets/commune.html"

    class Media:
        css = {"all": (WIDGETS_CSS,)}
        js = ("geo/tl-commune.js",)

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Commune):
            return commune_display(value)
        if isinstance(value, tuple):
            return value[0]
        if isinstance(value, str) and len(value) == 5 and value[:2].isdigit():
            commune = Commune.objects.filter(pk=value).first()
            return commune_display(commune) if commune else value
        return super().format_value(value)

    def value_from_datadict(self, data, files, name):
        return (data.get(name, ""), data.get(f"{name}_insee", ""))

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        code = ""
        if isinstance(value, Commune):
            code = value.pk
        elif isinstance(value, tuple):
            code = value[1]
        context["widget"] |= {"insee": code, "suggestions_url": reverse("geo:commune_suggestions")}
        return context


class CommuneField(forms.Field):
    """A commune typed as a person says it ("Pélussin", "42410", "Saint-Denis (93)"); clean() returns the
    Commune or says, in French, which communes the text could mean."""

    widget = CommuneWidget
    default_error_messages = {"required": gettext_lazy("Indiquez la commune.")}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "help_text",
            gettext_lazy("Nom, code postal ou code INSEE, par exemple « Pélussin » ou « 42410 »."),
        )
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if isinstance(value, Commune) or value in (None, ""):
            return value or None
        text, code = value if isinstance(value, tuple) else (str(value), "")
        text = (text or "").strip()[:150]
        if not text:
            return None
        chosen = commune_chosen(text=text, insee=code)
        if chosen is not None:
            return chosen
        match = commune_resolve(text=text)
        if match.commune is None:
            raise forms.ValidationError(match.message, code="commune")
        return match.commune

    def has_changed(self, initial, data):
        initial_code = initial.pk if isinstance(initial, Commune) else (initial or "")
        try:
            current = self.to_python(data)
        except forms.ValidationError:
            return True
        return (current.pk if current else "") != initial_code


@dataclass(frozen=True)
class CommuneText:
    """What a search box's commune says: the text typed, and the commune the combobox chose while the text
    still names it (None without JavaScript, or once the text was edited)."""

    text: str
    chosen: Commune | None = None


class CommuneTextField(forms.CharField):
    """The commune combobox for a search box that resolves the text its own way (a filter, a simulation):
    clean() returns a CommuneText; the text keeps the CharField's checks (stripped, max_length)."""

    widget = CommuneWidget

    def clean(self, value):
        text, code = value if isinstance(value, tuple) else (value or "", "")
        text = super().clean(text)
        return CommuneText(text, commune_chosen(text=text, insee=code) if text else None)


@dataclass(frozen=True)
class CommuneList:
    """What a commune list field posts: the INSEE codes of the list, and the text (and the code the combobox
    chose) of its box for one more."""

    codes: tuple[str, ...] = ()
    text: str = ""
    insee: str = ""


class CommuneListWidget(forms.Widget):
    """The communes chosen (each a checked box posting its INSEE code under `<name>`; `geo/tl-commune-list.js`
    turns each into a "Retirer" button) and a commune combobox to add one more (`<name>_add`, its code in
    `<name>_add_insee`). The box has the field's id, so the field's label names it."""

    template_name = "geo/widgets/commune_list.html"

    class Media:
        css = {"all": (WIDGETS_CSS,)}
        js = ("geo/tl-commune.js", "geo/tl-commune-list.js")

    def format_value(self, value):
        return value

    def value_from_datadict(self, data, files, name):
        codes = data.getlist(name) if hasattr(data, "getlist") else list(data.get(name) or [])
        return CommuneList(tuple(codes), data.get(f"{name}_add", ""), data.get(f"{name}_add_insee", ""))

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_add" not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if isinstance(value, CommuneList):
            codes, text, insee = [str(c).strip().upper() for c in value.codes], value.text, value.insee
        else:
            codes = [c.pk if isinstance(c, Commune) else str(c) for c in value or []]
            text = insee = ""
        found = Commune.objects.only("insee", "name", "postcodes", "department_id").in_bulk(codes)
        chosen = [found[c] for c in dict.fromkeys(codes) if c in found]
        box = CommuneWidget(attrs)
        context["widget"] |= {
            "chosen": [{"insee": c.insee, "label": commune_display(c)} for c in chosen],
            "add": box.get_context(f"{name}_add", (text, insee), box.build_attrs(box.attrs, attrs))["widget"],
        }
        return context


class CommuneListField(forms.Field):
    """Several communes, added one by one with the commune combobox and each removable; the form posts their
    INSEE codes. clean() returns the communes (in the order chosen), or says in French which codes are unknown
    and which typed communes are unknown or ambiguous (`commune_resolve`). Without JavaScript the box takes
    names, postcodes or codes separated by commas or semicolons."""

    widget = CommuneListWidget

    def __init__(self, *args, max_communes: int = 50, **kwargs):
        self.max_communes = max_communes
        kwargs.setdefault(
            "help_text",
            gettext_lazy(
                "Ajoutez-les une à une : nom, code postal ou code INSEE, puis choisissez dans la liste proposée."
            ),
        )
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if not isinstance(value, CommuneList):
            return [c for c in value or [] if isinstance(c, Commune)]
        codes = list(dict.fromkeys(str(c).strip().upper()[:5] for c in value.codes if str(c).strip()))
        found = Commune.objects.in_bulk(codes)
        errors = []
        unknown = [c for c in codes if c not in found]
        if unknown:
            errors.append(_("Codes INSEE inconnus : %(codes)s.") % {"codes": ", ".join(unknown[:5])})
        communes = [found[c] for c in codes if c in found]
        text = " ".join((value.text or "").split())[:1000]
        chosen = commune_chosen(text=text, insee=value.insee) if text else None
        for part in [] if chosen else [p.strip() for p in re.split(r"[;,]", text) if p.strip()]:
            match = commune_resolve(text=part[:150])
            if match.commune is None:
                errors.append(match.message)
            elif match.commune not in communes:
                communes.append(match.commune)
        if chosen is not None and chosen not in communes:
            communes.append(chosen)
        if len(communes) > self.max_communes:
            errors.append(
                _("%(count)s communes au plus.") % {"count": self.max_communes},
            )
        if errors:
            raise forms.ValidationError(errors)
        return communes

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def has_changed(self, initial, data):
        try:
            current = self.to_python(data)
        except forms.ValidationError:
            return True
        before = {c.pk if isinstance(c, Commune) else str(c) for c in initial or []}
        return before != {c.pk for c in current}


@dataclass(frozen=True)
class Point:
    lon: float
    lat: float
    origin: str = "person"  # LocationOrigin code: "person" (typed or placed) or "address" (geocoded)


class PointWidget(forms.MultiWidget):
    """Latitude and longitude inputs, the origin of the point, and the map picker around them."""

    template_name = "geo/widgets/point.html"

    class Media:
        css = {"all": (LEAFLET_CSS, WIDGETS_CSS)}
        js = (LEAFLET_JS, "geo/tl-map.js", "geo/tl-point-picker.js")

    def __init__(self, attrs=None):
        text = {"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"}
        super().__init__(
            {
                "lat": forms.TextInput(attrs=text),
                "lon": forms.TextInput(attrs=text),
                "origin": forms.HiddenInput(),
            },
            attrs,
        )

    def decompress(self, value):
        """A Point as [latitude, longitude, origin] texts (a list or tuple is taken as already decompressed)."""
        if isinstance(value, Point):
            return [format_decimal(value.lat), format_decimal(value.lon), value.origin]
        return ["", "", ""]

    def id_for_label(self, id_):
        return f"{id_}_lat" if id_ else id_

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        subwidgets = context["widget"]["subwidgets"]
        base = (attrs or {}).get("id") or self.attrs.get("id")
        for key, subwidget in zip(("lat", "lon", "origin"), subwidgets, strict=True):
            if base:
                subwidget["attrs"]["id"] = f"{base}_{key}"  # id_point_lat rather than id_point_0
            subwidget["attrs"]["class"] = "fr-input" if key != "origin" else ""
        context["widget"] |= {
            "lat": subwidgets[0],
            "lon": subwidgets[1],
            "origin": subwidgets[2],
            "tiles_url": settings.MAP_TILES_URL,
            "tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
            "outlines_url": " ".join(
                reverse("geo:outlines", args=[level]) for level in ("regions", "departements")
            ),
            "geocode_url": reverse("geo:geocode") if getattr(settings, "GEOCODER_URL", "") else "",
        }
        return context


class PointField(forms.MultiValueField):
    """A point in France as (lon, lat, origin); latitude and longitude in decimal degrees (point or comma)
    or degrees-minutes-seconds. Swapped values are refused with the hint of the right order."""

    widget = PointWidget
    template_name = "geo/widgets/point_field.html"
    default_error_messages = {
        "incomplete": gettext_lazy("Indiquez la latitude et la longitude, ou placez le point sur la carte."),
        "required": gettext_lazy(
            "Indiquez la position du lieu : placez le point sur la carte ou saisissez ses coordonnées."
        ),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "help_text",
            gettext_lazy(
                "Cliquez sur la carte, déplacez le repère (à la souris ou avec les flèches du clavier), ou "
                "saisissez les coordonnées : 47,8712 ou 47°52'16\"N."
            ),
        )
        fields = (
            forms.CharField(required=False, max_length=40),
            forms.CharField(required=False, max_length=40),
            forms.CharField(required=False, max_length=10),
        )
        super().__init__(fields, *args, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list:
            return None
        lat, lon, origin = [*data_list, "", "", ""][:3]
        if not (lat or "").strip() and not (lon or "").strip():
            return None
        if not (lat or "").strip() or not (lon or "").strip():
            raise forms.ValidationError(self.error_messages["incomplete"], code="incomplete")
        try:
            lat_c, lon_c = parse_coordinate(lat, "lat"), parse_coordinate(lon, "lon")
            point = resolve_point(lat_c, lon_c, inside=in_france)
        except CoordinateError as error:
            raise forms.ValidationError(str(error), code="coordinates") from None
        if point.swapped:
            raise forms.ValidationError(
                _(
                    "Latitude et longitude semblent inversées : en France, ce serait latitude %(lat)s, "
                    "longitude %(lon)s. Vérifiez l’ordre."
                )
                % {"lat": format_decimal(point.lat, 5), "lon": format_decimal(point.lon, 5)},
                code="swapped",
            )
        return Point(point.lon, point.lat, origin if origin in ORIGINS else "person")

    def has_changed(self, initial, data):
        try:
            current = self.clean(data)
        except forms.ValidationError:
            return True
        before = (round(initial.lon, 6), round(initial.lat, 6)) if isinstance(initial, Point) else None
        after = (round(current.lon, 6), round(current.lat, 6)) if current else None
        return before != after
