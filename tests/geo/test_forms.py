"""The reusable locating fields (tierslieux.geo.forms): the commune autocomplete, resolved on the server
without JavaScript, and the point, with decimal commas and degrees-minutes-seconds."""

import pytest
from django import forms
from dsfr.forms import DsfrBaseForm

from tierslieux.geo.forms import CommuneField, Point, PointField
from tierslieux.geo.models import Commune

pytestmark = pytest.mark.django_db


class PlaceForm(DsfrBaseForm):
    commune = CommuneField(label="Commune")
    point = PointField(label="Position", required=False)


@pytest.fixture
def communes(france):
    """The real reference geography (tests/national_geography.py)."""
    return {insee: Commune.objects.get(pk=insee) for insee in ("42168", "97411", "93066")} | {
        "pelussin": Commune.objects.get(pk="42168"),
        "sd_974": Commune.objects.get(pk="97411"),
        "sd_93": Commune.objects.get(pk="93066"),
    }


def bound(**data):
    form = PlaceForm(data)
    form.is_valid()
    return form


@pytest.mark.parametrize("text", ["Pélussin", "pelussin", "42168", "Pélussin (42)", "Pélussin (42410)"])
def test_a_commune_as_people_type_it(communes, text):
    form = bound(commune=text)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["commune"] == communes["pelussin"] and form.cleaned_data["point"] is None


def test_an_ambiguous_or_unknown_commune_is_explained(communes):
    form = bound(commune="Saint-Denis")
    [error] = form.errors["commune"]
    assert error.startswith(
        "Plusieurs communes s’appellent « Saint-Denis » : Saint-Denis (974), Saint-Denis (93)"
    )
    assert error.endswith("Précisez le code postal.")
    assert "Le code 42410 correspond à plusieurs communes" in bound(commune="42410").errors["commune"][0]
    assert bound(commune="Saint-Denis (93)").cleaned_data["commune"] == communes["sd_93"]
    assert bound(commune="").errors["commune"] == ["Indiquez la commune."]
    assert "Aucune commune ne s’appelle « Atlantide »" in bound(commune="Atlantide").errors["commune"][0]


def test_the_combobox_choice_counts_only_while_the_text_still_names_it(communes):
    chosen = bound(commune="Saint-Denis (97400)", commune_insee="97411")
    assert chosen.cleaned_data["commune"] == communes["sd_974"]
    # The person typed another name after choosing: the text wins.
    assert bound(commune="Pélussin", commune_insee="97411").cleaned_data["commune"] == communes["pelussin"]


def test_a_search_box_gets_the_text_and_the_commune_chosen_while_the_text_names_it(communes):
    from tierslieux.geo.forms import CommuneText, CommuneTextField
    from tierslieux.geo.resolution import commune_label

    field = CommuneTextField(required=False, max_length=20)
    label = commune_label(communes["sd_974"])  # what the combobox writes once chosen
    assert field.clean((label, "97411")) == CommuneText(label, communes["sd_974"])
    assert field.clean((" Saint-Denis ", "97411")) == CommuneText("Saint-Denis", communes["sd_974"])
    assert field.clean(("Pélussin", "97411")) == CommuneText("Pélussin", None)  # edited since the choice
    assert field.clean(("Pélussin", "")) == CommuneText("Pélussin", None)  # without JavaScript
    assert field.clean(("Pélussin", "99999")) == CommuneText("Pélussin", None)  # an unknown code
    assert field.clean(("", "")) == CommuneText("", None)
    with pytest.raises(forms.ValidationError):
        field.clean(("x" * 21, ""))  # the text keeps the CharField's checks


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        ("45,4190", "4,6820", (4.682, 45.419)),  # "45,4190" was refused before
        ("45.4190", "4.6820", (4.682, 45.419)),
        ("45°25'08\"N", "4°40'55\"E", (4.681944, 45.418889)),
        ("45 25 08 N", "4 40 55 E", (4.681944, 45.418889)),
        ("16°13'34\"N", "61°23'13\"O", (-61.386944, 16.226111)),
    ],
)
def test_points_in_decimal_commas_and_dms(communes, lat, lon, expected):
    form = bound(commune="Pélussin", point_lat=lat, point_lon=lon)
    assert form.is_valid(), form.errors
    point = form.cleaned_data["point"]
    assert (round(point.lon, 6), round(point.lat, 6)) == expected and point.origin == "person"


@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [
        (
            "4,6820",
            "45,4190",
            "Latitude et longitude semblent inversées : en France, ce serait latitude 45,419, longitude 4,682",
        ),
        ("40.7", "-74.0", "hors de France"),
        ("45,4190", "", "Indiquez la latitude et la longitude"),
        ("quarante-cinq", "4,68", "pas une coordonnée lisible"),
    ],
)
def test_bad_points_say_why(communes, lat, lon, message):
    form = bound(commune="Pélussin", point_lat=lat, point_lon=lon)
    assert message in " ".join(form.errors["point"])


def test_the_origin_comes_from_the_picker_and_is_never_free(communes):
    assert (
        bound(commune="Pélussin", point_lat="45.4", point_lon="4.6", point_origin="address")
        .cleaned_data["point"]
        .origin
        == "address"
    )
    assert (
        bound(commune="Pélussin", point_lat="45.4", point_lon="4.6", point_origin="source")
        .cleaned_data["point"]
        .origin
        == "person"
    )


def test_rendering_without_javascript_is_plain_inputs_with_labels(communes):
    form = PlaceForm(initial={"commune": communes["pelussin"], "point": Point(4.682, 45.419, "source")})
    html = str(form)
    assert 'name="commune" ' in html and 'value="Pélussin (42410)"' in html
    assert 'name="commune_insee" value="42168"' in html
    assert '<label class="fr-label" for="id_point_lat">Latitude' in html and 'id="id_point_lat"' in html
    assert 'name="point_lat"' in html and 'value="45,419"' in html and 'value="4,682"' in html
    assert "data-tl-point-block hidden" in html  # the map appears with JavaScript only
    assert '<legend class="fr-fieldset__legend" id="id_point-legend">Position' in html
    media = str(form.media)
    assert "geo/tl-point-picker.js" in media and "geo/tl-commune.js" in media and "leaflet.js" in media


def test_has_changed(communes):
    initial = {"commune": communes["pelussin"], "point": Point(4.682, 45.419, "source")}
    same = PlaceForm(
        {"commune": "Pélussin (42410)", "point_lat": "45,419", "point_lon": "4,682"}, initial=initial
    )
    assert same.has_changed() is False
    moved = PlaceForm({"commune": "Pélussin", "point_lat": "45,42", "point_lon": "4,682"}, initial=initial)
    assert moved.changed_data == ["point"]


def test_a_field_class_usable_in_any_form():
    class Other(forms.Form):
        where = CommuneField(label="Où ?", required=False)

    assert Other({"where": ""}).is_valid()


def test_a_commune_list_adds_the_chosen_or_typed_commune_to_the_codes_posted(communes):
    from django.http import QueryDict

    from tierslieux.geo.forms import CommuneListField

    class LinksForm(DsfrBaseForm):
        communes = CommuneListField(label="Communes liées", required=False)

    def clean(query: str):
        form = LinksForm(QueryDict(query))
        return (
            [c.insee for c in form.cleaned_data["communes"]] if form.is_valid() else form.errors["communes"]
        )

    assert clean("") == []
    assert clean("communes=42168&communes=93066&communes=42168") == ["42168", "93066"]  # once each, in order
    # The combobox's choice counts while the text names it; typed text is resolved, commas between communes.
    assert clean("communes=42168&communes_add=Saint-Denis+(97400)&communes_add_insee=97411") == [
        "42168",
        "97411",
    ]
    assert clean("communes_add=Pélussin&communes_add_insee=97411") == ["42168"]  # edited since the choice
    assert clean("communes_add=Pélussin,+Saint-Denis+(93)") == ["42168", "93066"]
    assert clean("communes=42168&communes_add=42168") == ["42168"]
    # Unknown codes and unknown or ambiguous communes are each named.
    errors = clean("communes=99999&communes_add=Saint-Denis;+Atlantide")
    assert errors[0] == "Codes INSEE inconnus : 99999."
    assert errors[1].startswith("Plusieurs communes s’appellent « Saint-Denis » : Saint-Denis (974)")
    assert errors[2] == "Aucune commune ne s’appelle « Atlantide »."
    assert len(errors) == 3
    # What was typed is shown again: the chosen communes (as checked boxes) and the text of the box.
    html = LinksForm(QueryDict("communes=42168&communes=99999&communes_add=Atlantide")).as_div()
    assert 'name="communes" value="42168" id="id_communes-42168" checked' in html
    assert "Pélussin (42410)" in html and "99999" not in html.split("<ul")[1]
    assert 'name="communes_add" value="Atlantide"' in html and 'id="id_communes"' in html
    assert "geo/tl-commune-list.js" in str(LinksForm().media)
    initial = LinksForm(initial={"communes": [communes["sd_93"]]}).as_div()
    assert 'value="93066"' in initial and "Saint-Denis (93" in initial
