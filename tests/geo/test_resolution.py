"""Which commune a text means (tierslieux.geo.resolution), on the real reference geography: names with or
without article, St/Ste, postcodes shared by several communes, CEDEX codes, INSEE codes, arrondissements,
overseas departments."""

import pytest

from tierslieux.geo.models import Commune
from tierslieux.geo.resolution import commune_display, commune_resolve, commune_suggestions

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("france")]


@pytest.mark.parametrize(
    ("text", "insee"),
    [
        ("Pélussin", "42168"),  # step 1 of an application answered "Aucune commune n’a ce code INSEE"
        ("pelussin", "42168"),
        ("PELUSSIN", "42168"),
        ("42168", "42168"),  # its INSEE code
        ("Pélussin (42)", "42168"),
        ("Pélussin (42410)", "42168"),
        ("Pélussin (42168)", "42168"),
        ("42410 Pélussin", "42168"),
        ("Pélussin 42410", "42168"),
        ("29900", "29039"),  # a postcode of one commune
        ("St-Étienne", "42218"),
        ("st etienne", "42218"),
        ("Saint-Denis (93)", "93066"),
        ("Saint-Denis (974)", "97411"),
        ("Saint-Denis (97490)", "97411"),
        ("Le Havre", "76351"),  # with or without its article, whichever the file stores
        ("Havre", "76351"),
        ("le havre", "76351"),
        ("Le Quesnoy", "59481"),
        ("Paris 11e", "75111"),
        ("paris 11", "75111"),
        ("Paris 11e arrondissement", "75111"),
        ("Paris", "75056"),
        ("Quévert", "22259"),
        ("Sainte-Anne (971)", "97128"),
    ],
)
def test_texts_people_type(text, insee):
    match = commune_resolve(text=text)
    assert match.commune is not None and match.commune.insee == insee, match.message


@pytest.mark.parametrize(
    ("text", "message", "count"),
    [
        (
            "Saint-Denis",
            "Plusieurs communes s’appellent « Saint-Denis » : Saint-Denis (974), Saint-Denis (93)",
            4,
        ),
        ("42410", "Le code 42410 correspond à plusieurs communes", 7),  # Pélussin shares its postcode
        ("22100", "correspond à plusieurs communes", 14),
        ("Nulle-Part", "Aucune commune ne s’appelle « Nulle-Part »", 0),
        ("99999", "Aucune commune n’a le code 99999", 0),
        ("Pélussin (22)", "ne correspond à « 22 »", 0),
    ],
)
def test_ambiguous_or_unknown_texts_are_never_guessed(text, message, count):
    match = commune_resolve(text=text)
    assert match.commune is None and message in match.message
    assert len(match.candidates) == count


def test_name_and_postcode_as_files_give_them():
    assert commune_resolve(name="Quévert", postcode="22100").commune.insee == "22259"
    # A CEDEX code is not a commune's postcode: the name decides within the department.
    assert commune_resolve(name="ST BRIEUC CEDEX 1", postcode="22099").commune.insee == "22278"
    assert commune_resolve(name="Sainte-Anne", postcode="97180").commune.insee == "97128"
    assert commune_resolve(name="Saint-Denis", postcode="97490").commune.insee == "97411"
    shared = commune_resolve(postcode="22100")
    assert shared.commune is None and "est partagé par plusieurs communes (Dinan (22)" in shared.message
    unknown_name = commune_resolve(name="Pelusin", postcode="42410")
    assert (
        unknown_name.commune is None
        and "le nom « Pelusin » ne désigne aucune d’elles" in unknown_name.message
    )
    # An unknown name with the postcode of one commune: found by the postcode, with a warning.
    found = commune_resolve(name="Concarnau", postcode="29900")
    assert found.commune.insee == "29039" and "Commune « Concarnau » inconnue" in found.warning
    assert commune_resolve(insee="42168").commune.insee == "42168"
    assert commune_resolve(insee="1001").commune.insee == "01001"  # a lost leading zero


def test_display_is_read_back_as_the_same_commune():
    for insee in ("42168", "93066", "97411", "75111", "75056", "76351", "22259", "97128", "2A004"):
        commune = Commune.objects.get(pk=insee)
        assert commune_resolve(text=commune_display(commune)).commune == commune, commune_display(commune)
    assert commune_display(Commune.objects.get(pk="42168")) == "Pélussin (42410)"
    assert commune_display(Commune.objects.get(pk="93066")) == "Saint-Denis (93)"


def test_suggestions_by_name_postcode_or_code():
    assert commune_suggestions("pelus")[0].insee == "42168"
    by_postcode = commune_suggestions("42410")
    assert "42168" in [s.insee for s in by_postcode]
    pelussin = next(s for s in by_postcode if s.insee == "42168")
    assert (pelussin.label, pelussin.detail) == ("Pélussin (42410)", "Loire (42) — 42410")
    assert pelussin.lon is not None and pelussin.lat is not None
    assert {"93066", "97411"} <= {s.insee for s in commune_suggestions("saint-denis")}
    assert [s.insee for s in commune_suggestions("42168")] == ["42168"]
    assert commune_suggestions("p") == []
