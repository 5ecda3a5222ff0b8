"""Which commune a text means (tierslieux.geo.resolution): names with or without article, St/Ste, postcodes
shared by several communes, CEDEX codes, INSEE codes, arrondissements, overseas departments."""

import pytest

from tests.factories.geo import CommuneFactory, DepartmentFactory, RegionFactory
from tierslieux.geo.resolution import commune_display, commune_resolve, commune_suggestions

pytestmark = pytest.mark.django_db


@pytest.fixture
def communes(db):
    loire = DepartmentFactory(
        code="42", name="Loire", region=RegionFactory(code="84", name="Auvergne-Rhône-Alpes")
    )
    cotes = DepartmentFactory(code="22", name="Côtes-d’Armor", region=RegionFactory(code="53"))
    seine = DepartmentFactory(
        code="93", name="Seine-Saint-Denis", region=RegionFactory(code="11", name="IdF")
    )
    reunion = DepartmentFactory(
        code="974", name="La Réunion", region=RegionFactory(code="04", name="La Réunion")
    )
    paris_dep = DepartmentFactory(code="75", name="Paris", region=RegionFactory(code="11"))
    seine_maritime = DepartmentFactory(code="76", name="Seine-Maritime", region=RegionFactory(code="28"))

    def make(insee, name, department, postcodes, population=1000, **extra):
        return CommuneFactory(
            insee=insee,
            name=name,
            department=department,
            region=department.region,
            postcodes=postcodes,
            population=population,
            **extra,
        )

    paris = make("75056", "Paris", paris_dep, "75001 75011", 2_100_000)
    return {
        "pelussin": make("42168", "Pélussin", loire, "42410"),
        "saint_etienne": make("42218", "Saint-Étienne", loire, "42000 42100", 170_000),
        "dinan": make("22050", "Dinan", cotes, "22100", 14_000),
        "quevert": make("22258", "Quévert", cotes, "22100", 3_900),
        "saint_brieuc": make("22278", "Saint-Brieuc", cotes, "22000", 44_000),
        "saint_denis_93": make("93066", "Saint-Denis", seine, "93200 93210", 113_000),
        "saint_denis_974": make("97411", "Saint-Denis", reunion, "97400 97490", 153_000),
        "le_havre": make("76351", "Le Havre", seine_maritime, "76600 76610 76620", 166_000),
        "paris": paris,
        "paris_11": make(
            "75111", "Paris 11e Arrondissement", paris_dep, "75011", 146_000, kind="ARM", parent=paris
        ),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pélussin", "pelussin"),
        ("pelussin", "pelussin"),
        ("PELUSSIN", "pelussin"),
        ("42410", "pelussin"),  # its postcode
        ("42168", "pelussin"),  # its INSEE code
        ("Pélussin (42)", "pelussin"),
        ("Pélussin (42410)", "pelussin"),
        ("Pélussin (42168)", "pelussin"),
        ("42410 Pélussin", "pelussin"),
        ("Pélussin 42410", "pelussin"),
        ("St-Étienne", "saint_etienne"),
        ("st etienne", "saint_etienne"),
        ("Saint-Denis (93)", "saint_denis_93"),
        ("Saint-Denis (974)", "saint_denis_974"),
        ("Saint-Denis (97400)", "saint_denis_974"),
        ("Le Havre", "le_havre"),
        ("Havre", "le_havre"),  # without its article
        ("le havre", "le_havre"),
        ("Paris 11e", "paris_11"),
        ("paris 11", "paris_11"),
        ("Paris 11e arrondissement", "paris_11"),
        ("Paris", "paris"),
        ("Quévert", "quevert"),
    ],
)
def test_texts_people_type(communes, text, expected):
    match = commune_resolve(text=text)
    assert match.commune == communes[expected], match.message


@pytest.mark.parametrize(
    ("text", "message", "count"),
    [
        (
            "Saint-Denis",
            "Plusieurs communes s’appellent « Saint-Denis » : Saint-Denis (974), Saint-Denis (93)",
            2,
        ),
        ("22100", "correspond à plusieurs communes", 2),
        ("Nulle-Part", "Aucune commune ne s’appelle « Nulle-Part »", 0),
        ("99999", "Aucune commune n’a le code 99999", 0),
        ("Pélussin (22)", "ne correspond à « 22 »", 0),
    ],
)
def test_ambiguous_or_unknown_texts_are_never_guessed(communes, text, message, count):
    match = commune_resolve(text=text)
    assert match.commune is None and message in match.message
    assert len(match.candidates) == count


def test_name_and_postcode_as_files_give_them(communes):
    assert commune_resolve(name="Quévert", postcode="22100").commune == communes["quevert"]
    # a CEDEX code is not a commune's postcode: the name decides within the department
    assert commune_resolve(name="ST BRIEUC CEDEX 1", postcode="22099").commune == communes["saint_brieuc"]
    assert commune_resolve(name="Saint-Denis", postcode="97490").commune == communes["saint_denis_974"]
    shared = commune_resolve(postcode="22100")
    assert (
        shared.commune is None
        and "partagé par plusieurs communes (Dinan (22), Quévert (22))" in shared.message
    )
    # an unknown name with a postcode of one commune: found by the postcode, with a warning
    found = commune_resolve(name="Pelusin", postcode="42410")
    assert found.commune == communes["pelussin"] and "inconnue" in found.warning
    assert commune_resolve(insee="42168").commune == communes["pelussin"]
    assert commune_resolve(insee="2050", name="Dinan").commune == communes["dinan"]  # a lost leading zero


def test_display_is_read_back_as_the_same_commune(communes):
    for commune in communes.values():
        assert commune_resolve(text=commune_display(commune)).commune == commune
    assert commune_display(communes["pelussin"]) == "Pélussin (42410)"


def test_suggestions_by_name_postcode_or_code(communes):
    assert [s.insee for s in commune_suggestions("pelus")] == ["42168"]
    [suggestion] = commune_suggestions("42410")
    assert (suggestion.label, suggestion.detail) == ("Pélussin (42410)", "Loire (42) — 42410")
    assert {s.insee for s in commune_suggestions("saint-denis")} == {"93066", "97411"}
    assert commune_suggestions("p") == []
