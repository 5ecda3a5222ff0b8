"""Each rule of the place values (`place_validate`, used by `place_create` / `place_update`, the imports, the
API and the contributions): the field it blames, its exact French message, and how a valid value is written."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.factories.geo import CommuneFactory
from tierslieux.places.services import EDITABLE_FIELDS, place_validate
from tierslieux.places.values import PlaceValuesForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune():
    return CommuneFactory(insee="29039", name="Concarneau", postcodes="29900")


def values(commune, /, **extra):
    data = {"name": "La Fabrique du Port", "lon": -3.92, "lat": 47.87, "commune": commune}
    return place_validate(data=data | extra)


def refusal(commune, /, **extra) -> dict:
    with pytest.raises(ValidationError) as error:
        values(commune, **extra)
    return error.value.message_dict


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"name": "  \t "}, {"name": ["Le nom du lieu est obligatoire."]}),
        ({"postcode": "2990"}, None),
        ({"postcode": "29 9000"}, {"postcode": ["Le code postal doit comporter 5 chiffres."]}),
        ({"lon": "ouest"}, {"lat": ["Les coordonnées doivent être des nombres (longitude, latitude)."]}),
        (
            {"lon": 13.4, "lat": 52.5},
            {"lat": ["Les coordonnées (13.4, 52.5) sont hors de France (métropole et outre-mer)."]},
        ),
        ({"types": ["fablab", "cirque"]}, {"types": ["« cirque » n’est pas un type de lieu connu."]}),
        ({"labels": "or"}, {"labels": ["« or » n’est pas un label connu."]}),
        ({"services": ["internet", "magie"]}, {"services": ["« magie » n’est pas un service connu."]}),
        (
            {"accessibility": ["ascenseur", "escalier"]},
            {"accessibility": ["« escalier » n’est pas un critère d’accessibilité connu."]},
        ),
        ({"status": "fermé"}, {"status": ["Statut inconnu : fermé"]}),
        ({"legal_form": "sarl"}, {"legal_form": ["Forme juridique inconnue : sarl"]}),
        ({"siret": "1234"}, {"siret": ["Le numéro SIRET doit comporter 14 chiffres."]}),
        (
            {"rna": "X123"},
            {"rna": ["Le numéro RNA doit avoir la forme W suivie de 9 caractères (par exemple W751234567)."]},
        ),
        (
            {"opening_date": "12/03/2020"},
            {"opening_date": ["Date invalide : 12/03/2020 (attendu : AAAA-MM-JJ)."]},
        ),
        (
            {"last_verified_at": "hier"},
            {"last_verified_at": ["Date invalide : hier (attendu : AAAA-MM-JJ)."]},
        ),
        (
            {"opening_hours": {"lundi": [["09:00", "12:00"]]}},
            {"opening_hours": ["Les horaires sont un dictionnaire par jour (mo … su)."]},
        ),
        (
            {"opening_hours": ["mo"]},
            {"opening_hours": ["Les horaires sont un dictionnaire par jour (mo … su)."]},
        ),
        (
            {"opening_hours": {"mo": [["12:00", "09:00"]]}},
            {
                "opening_hours": [
                    "Horaires invalides : ['12:00', '09:00'] (attendu : [\"09:00\", \"12:00\"])."
                ]
            },
        ),
        (
            {"opening_hours": {"tu": [["9h", "12h"]]}},
            {"opening_hours": ["Horaires invalides : ['9h', '12h'] (attendu : [\"09:00\", \"12:00\"])."]},
        ),
        (
            {"opening_exceptions": ["2026-12-25"]},
            {"opening_exceptions": ["Chaque exception est un dictionnaire."]},
        ),
        (
            {"opening_exceptions": [{"label": "Noël"}]},
            {
                "opening_exceptions": [
                    "Une exception a besoin d’une date de début antérieure à sa date de fin."
                ]
            },
        ),
        (
            {"opening_exceptions": [{"start": "2026-12-25", "end": "2026-12-24"}]},
            {
                "opening_exceptions": [
                    "Une exception a besoin d’une date de début antérieure à sa date de fin."
                ]
            },
        ),
        (
            {"opening_exceptions": [{"start": "25/12"}]},
            {"opening_exceptions": ["Date invalide : 25/12 (attendu : AAAA-MM-JJ)."]},
        ),
        (
            {"opening_exceptions": [{"start": "2026-12-24", "hours": [["18:00"]]}]},
            {"opening_exceptions": ['Horaires invalides : [\'18:00\'] (attendu : ["09:00", "12:00"]).']},
        ),
        (
            {"equipment": [{"category": "jardin", "name": "Bêche"}]},
            {"equipment": ["Catégorie d’équipement inconnue : jardin"]},
        ),
        (
            {"website": "pas une adresse"},
            {"website": ["« https://pas une adresse » n’est pas une adresse web valide."]},
        ),
        (
            {"social_links": ["https://mastodon.example/@fab", "ftp://x"]},
            {"social_links": ["« https://ftp://x » n’est pas une adresse web valide."]},
        ),
        ({"surface_m2": "120 m²"}, {"surface_m2": ["La surface est un nombre entier de m²."]}),
        ({"surface_m2": 0}, {"surface_m2": ["La surface doit être comprise entre 1 et 999 999 m²."]}),
        ({"surface_m2": 1_000_000}, {"surface_m2": ["La surface doit être comprise entre 1 et 999 999 m²."]}),
        ({"contact_route": "pigeon"}, {"contact_route": ["Moyen de contact inconnu : pigeon"]}),
        (
            {"contact_phone": "12 34"},
            {"contact_phone": ["« 12 34 » n’est pas un numéro de téléphone (10 chiffres, ou +indicatif)."]},
        ),
        ({"contact_url": "http://"}, {"contact_url": ["« http:// » n’est pas une adresse web valide."]}),
        (
            {"contact_email": "fab@"},
            {"contact_email": ["« fab@ » n’est pas une adresse électronique valide."]},
        ),
        ({"contact_route": "phone"}, {"contact_phone": ["Indiquez le numéro de téléphone à afficher."]}),
        (
            {"contact_route": "website"},
            {"contact_url": ["Indiquez l’adresse de la page de contact du lieu."]},
        ),
        ({"location_origin": "satellite"}, {"location_origin": ["Origine du point inconnue : satellite"]}),
        ({"commune": "99999"}, {"commune": ["Commune inconnue : 99999"]}),
    ],
)
def test_each_rule_blames_its_field_in_french(commune, extra, expected):
    if expected is None:
        assert values(commune, **extra)["postcode"] == "02990"
    else:
        assert refusal(commune, **extra) == expected


def test_unknown_fields_are_refused():
    with pytest.raises(ValidationError) as error:
        place_validate(data={"name": "Lieu", "colour": "red", "age": 3})
    assert error.value.messages == ["Champs inconnus : age, colour"]


def test_valid_values_are_normalised(commune):
    cleaned = values(
        commune,
        name="  La   Fabrique\n du Port ",
        short_description="  " + "c" * 310,
        description="  Un fablab. ",
        address=" 1 quai " + "a" * 300,
        postcode="29 900",
        lon="-3.92",
        lat="47.87",
        types="fablab",
        labels=["fabrique_territoire", "fabrique_territoire"],
        services=None,
        accessibility="",
        status=None,
        legal_form=None,
        siret="732 829 320 00074",
        rna="w751234567",
        opening_date="2020-03-12",
        last_verified_at=dt.date(2026, 1, 5),
        opening_hours={"mo": [["14:00", "18:00"], ["09:00", "12:00"]], "tu": []},
        opening_exceptions=[
            {"start": "2026-12-31", "label": "R" * 210},
            {"start": "2026-12-24", "end": "2026-12-26", "hours": [["10:00", "12:00"]]},
        ],
        equipment=["Imprimante 3D", {"category": "textile", "name": " Surjeteuse "}, {"name": "  "}],
        website="fabrique.example.org",
        social_links=["", "http://mastodon.example/@fab"],
        surface_m2="120",
        contact_route=None,
        contact_phone="01.23.45.67.89",
        contact_url="",
        contact_email="  contact@fabrique.example.org ",
        source="s" * 50,
        location_origin=None,
        location_approximate=True,
        private_contact=None,
    )
    assert {key: value for key, value in cleaned.items() if key != "commune"} == {
        "name": "La Fabrique du Port",
        "short_description": "c" * 300,
        "description": "Un fablab.",
        "address": ("1 quai " + "a" * 300)[:300],
        "postcode": "29900",
        "lon": -3.92,
        "lat": 47.87,
        "types": ["fablab"],
        "labels": ["fabrique_territoire"],
        "services": [],
        "accessibility": [],
        "status": "open",
        "legal_form": "",
        "siret": "73282932000074",
        "rna": "W751234567",
        "opening_date": dt.date(2020, 3, 12),
        "last_verified_at": dt.date(2026, 1, 5),
        "opening_hours": {"mo": [["09:00", "12:00"], ["14:00", "18:00"]]},
        "opening_exceptions": [
            {"start": "2026-12-24", "end": "2026-12-26", "hours": [["10:00", "12:00"]], "label": ""},
            {"start": "2026-12-31", "end": "2026-12-31", "hours": [], "label": "R" * 200},
        ],
        "equipment": [
            {"category": "autre", "name": "Imprimante 3D"},
            {"category": "textile", "name": "Surjeteuse"},
        ],
        "website": "https://fabrique.example.org",
        "social_links": ["http://mastodon.example/@fab"],
        "surface_m2": 120,
        "contact_route": "form",
        "contact_phone": "01 23 45 67 89",
        "contact_url": "",
        "contact_email": "contact@fabrique.example.org",
        "source": "s" * 40,
        "location_origin": "commune",
        "location_approximate": True,
        "private_contact": {},
    }
    assert cleaned["commune"] == commune


@pytest.mark.parametrize(
    ("extra", "field", "expected"),
    [
        ({"types": []}, "types", ["autre"]),
        ({"postcode": "00000"}, "postcode", ""),
        ({"postcode": "2A004"}, "postcode", "2A004"),
        ({"contact_phone": "+590 (590) 12-34-56"}, "contact_phone", "+590 (590) 12 34 56"),
        ({"commune": "29039"}, "commune", "Concarneau"),
        ({"location_approximate": False}, "location_origin", "source"),
        ({"location_origin": "address", "location_approximate": True}, "location_approximate", False),
        ({"contact_route": "website", "website": "fabrique.example.org"}, "contact_url", ""),
    ],
)
def test_defaults_and_kept_forms(commune, extra, field, expected):
    cleaned = values(commune, **extra)
    assert (cleaned[field].name if field == "commune" else cleaned[field]) == expected


def test_commune_found_from_the_postcode_and_point(commune):
    assert values(commune, commune=None, postcode="29900")["commune"] == commune


def test_no_commune_to_be_found():
    with pytest.raises(ValidationError) as error:
        place_validate(data={"name": "Lieu", "lon": -3.92, "lat": 47.87})
    assert error.value.message_dict == {"commune": ["Impossible de trouver la commune de ce lieu."]}


def test_the_form_has_a_field_for_each_editable_value():
    assert list(PlaceValuesForm.base_fields) == [
        "name",
        "short_description",
        "description",
        "address",
        "postcode",
        "lon",
        "lat",
        "types",
        "labels",
        "services",
        "accessibility",
        "status",
        "legal_form",
        "siret",
        "rna",
        "opening_date",
        "last_verified_at",
        "opening_hours",
        "opening_exceptions",
        "equipment",
        "website",
        "social_links",
        "surface_m2",
        "contact_route",
        "contact_phone",
        "contact_url",
        "contact_email",
        "source",
        "location_approximate",
        "location_origin",
        "private_contact",
        "commune",
    ]
    assert set(PlaceValuesForm.base_fields) == set(EDITABLE_FIELDS)


def test_the_first_failing_rule_is_the_refusal(commune):
    # One refusal at a time, in the order of the fields: the import drops a refused secondary value and
    # checks the row again (tests/places/test_import.py).
    assert refusal(commune, postcode="1", lon="x", contact_route="phone") == {
        "postcode": ["Le code postal doit comporter 5 chiffres."]
    }
    assert refusal(commune, contact_route="phone", location_origin="satellite") == {
        "contact_phone": ["Indiquez le numéro de téléphone à afficher."]
    }
    form = PlaceValuesForm(data={"name": "", "lon": "x", "lat": 1, "contact_email": "@", "commune": commune})
    assert form.errors == {
        "name": ["Le nom du lieu est obligatoire."],
        "lat": ["Les coordonnées doivent être des nombres (longitude, latitude)."],
        "contact_email": ["« @ » n’est pas une adresse électronique valide."],
    }
