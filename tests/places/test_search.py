"""Atlas search: names, towns, type, service and label names and their usual spellings; exact matches before
typos; a typo never finds more than the right word; facet counts in the filter form; the "médiation
numérique" layer apart from the tiers-lieux."""

from __future__ import annotations

import numpy as np
import pytest
from django.urls import reverse

from tests.factories.geo import CommuneFactory, DepartmentFactory, RegionFactory
from tierslieux.places import selectors
from tierslieux.places.search import SearchIndex, index_words, query_words
from tierslieux.places.services import place_create


# --- pure ------------------------------------------------------------------------------------------------
def test_usual_spellings_are_one_word_on_both_sides():
    assert query_words("Fab Lab") == ["fablab"]
    assert query_words("fab-lab") == ["fablab"]
    assert query_words("Repair Café") == ["repaircafe"]
    assert query_words("maker space") == ["makerspace"]
    assert query_words("co-working") == ["coworking"]
    assert query_words("st etienne") == ["saint", "etienne"]
    assert query_words("Ste-Foy") == ["sainte", "foy"]
    assert index_words("Le Fab Lab de St-Malo") == ["le", "fab", "lab", "de", "saint", "malo", "fablab"]


def _rows(index: SearchIndex, query: str) -> list[int]:
    return np.flatnonzero(index.scores(query)).tolist()


TEXTS = [
    "le fab lab de saint malo",
    "fablab quimper",
    "coworking brest espace de coworking",
    "la cantine coworking rennes",
    "cowork cafe nantes",
    "repair cafe vannes",
    "atelier velo lorient",
]


def test_spellings_find_the_same_rows():
    index = SearchIndex(TEXTS)
    assert _rows(index, "fablab") == _rows(index, "fab lab") == _rows(index, "Fab-Lab") == [0, 1]
    assert _rows(index, "repair café") == _rows(index, "repaircafé") == [5]
    assert _rows(index, "st malo") == [0]


def test_exact_then_prefix_then_typo():
    index = SearchIndex(TEXTS)
    scores = index.scores("cowork")
    assert scores[4] > scores[2] > 0  # "cowork" exact, "coworking" a prefix match
    typo = index.scores("coworkng")
    assert 0 < typo.max() < scores[scores > 0].min()
    assert _rows(index, "coworkng") == [2, 3]  # the word it is a typo of, nothing else ("cowork" is 2 edits)


def test_a_typo_never_finds_more_than_the_word_it_is_taken_for():
    index = SearchIndex([*TEXTS, "cowork lab", "coworkers paris", "fablabs lyon", "velos paris"])
    for word in ["coworking", "fablab", "repair", "atelier", "lorient", "quimper"]:
        for position in range(1, len(word) - 1):
            typo = word[:position] + word[position + 1 :]  # one letter dropped
            swapped = word[:position] + word[position + 1] + word[position] + word[position + 2 :]
            for wrong in {typo, swapped} - {word}:
                if index._prefix_range(wrong)[0] != index._prefix_range(wrong)[1]:
                    continue  # a prefix of a real word, not a typo
                found = set(_rows(index, wrong))
                assert found <= set(_rows(index, word)) or found <= _best_word_rows(index, wrong), wrong


def _best_word_rows(index: SearchIndex, token: str) -> set[int]:
    match = index._typo_match(token, index._prefix_range(token))
    return set() if match is None else set(_rows(index, index.vocabulary[match[0]]))


# --- the atlas --------------------------------------------------------------------------------------------
@pytest.fixture
def atlas(db):
    region = RegionFactory(code="84", name="Auvergne-Rhône-Alpes")
    loire = DepartmentFactory(code="42", name="Loire", region=region)
    saint_etienne = CommuneFactory(insee="42218", name="Saint-Étienne", postcodes="42000", department=loire)
    lyon = CommuneFactory(insee="69123", name="Lyon", postcodes="69001", department=loire)
    foy = CommuneFactory(insee="69202", name="Sainte-Foy-lès-Lyon", postcodes="69110", department=loire)

    def make(name, commune, **data):
        return place_create(data={"name": name, "commune": commune, "lon": 4.39, "lat": 45.43, **data})

    return {
        "cowork1": make("La Ruche", saint_etienne, types=["coworking"]),
        "cowork2": make("Le Bureau partagé", lyon, types=["coworking"]),
        "cowork3": make("Coworking des Pentes", lyon, types=["coworking"]),
        "fablab1": make("L’Atelier numérique", lyon, types=["fablab"]),
        "fablab2": make("Fab Lab de la Loire", saint_etienne, types=["autre"]),
        "maker": make("Les Bricoleurs", lyon, types=["makerspace"]),
        "repair": make("Atelier vélo", foy, types=["repair_cafe"]),
        "food": make("La Ferme urbaine", lyon, types=["nourricier"]),
        "cafe": make("Le Comptoir", lyon, types=["autre"], services=["cafe"]),
        "fabrique": make("Le Hangar", lyon, types=["autre"], labels=["fabrique_territoire"]),
        "mediation": make(
            "Point numérique", lyon, types=["mediation_numerique"], services=["aide_numerique"]
        ),
        "st": make("Espace St-Jean", foy, types=["autre"]),
    }


def _found(q: str, **params) -> set[str]:
    result = selectors.places_filtered({"q": q, **params})
    return set(result.index.names[row] for row in result.rows)


def names(atlas, *keys) -> set[str]:
    return {atlas[k].name for k in keys}


def test_coworking_finds_every_place_of_type_coworking(atlas):
    typed = selectors.places_filtered({"type": "coworking"})
    assert _found("coworking") >= set(typed.index.names[r] for r in typed.rows)
    assert _found("coworking") == names(atlas, "cowork1", "cowork2", "cowork3")
    assert _found("coworkng") == _found("coworking")  # a typo: the same places, not more
    assert len(_found("coworkng")) <= len(_found("coworking"))


@pytest.mark.parametrize(
    ("q", "keys"),
    [
        ("fablab", ("fablab1", "fablab2")),
        ("fab lab", ("fablab1", "fablab2")),
        ("Fab-Lab", ("fablab1", "fablab2")),
        ("makerspace", ("maker",)),
        ("maker space", ("maker",)),
        ("repair café", ("repair",)),
        ("repair cafe", ("repair",)),
        ("Repair-Café", ("repair",)),
        ("tiers-lieu nourricier", ("food",)),
        ("st etienne", ("cowork1", "fablab2")),
        ("saint-étienne", ("cowork1", "fablab2")),
        ("ste foy", ("repair", "st")),
        ("saint jean", ("st",)),
        ("fabrique de territoire", ("fabrique",)),
    ],
)
def test_names_towns_types_services_labels_and_their_spellings(atlas, q, keys):
    assert _found(q) == names(atlas, *keys)


def test_a_service_name_finds_its_places(atlas):
    assert names(atlas, "cafe") <= _found("café")


def test_exact_matches_come_before_prefix_matches(atlas):
    for name in ("Zèbre atelier", "Ateliers partagés"):
        place_create(data={"name": name, "commune": "69123", "lon": 4.8, "lat": 45.7, "types": ["autre"]})
    result = selectors.places_filtered({"q": "atelier lyon"})
    ordered = [result.index.names[r] for r in result.rows]
    assert ordered.index("Zèbre atelier") < ordered.index("Ateliers partagés")  # exact word, then a prefix
    typo = selectors.places_filtered({"q": "ateleir lyon"})  # letters swapped: the word "atelier" only
    assert {typo.index.names[r] for r in typo.rows} == {
        "Zèbre atelier",
        "L’Atelier numérique",
        "Atelier vélo",
    }


def test_the_town_is_read_from_the_commune_today(atlas):
    from tierslieux.geo.models import Commune
    from tierslieux.places import index

    Commune.objects.filter(insee="69123").update(name="Lyon-sur-Rhône")
    index.invalidate()
    assert names(atlas, "cowork2") <= _found("rhone")


# --- facets and layer ----------------------------------------------------------------------------------
def test_facet_counts_and_values_without_place_are_hidden(atlas, client):
    facets = selectors.atlas_facets(selectors.parse_filters({}))
    assert facets.types["coworking"] == 3 and facets.types["micro_folie"] == 0
    assert facets.digital_inclusion == 1
    html = client.get(reverse("places:atlas")).content.decode()
    assert "Espace de coworking (3)" in html
    assert "Micro-Folie" not in html and "Campus connecté" not in html  # no place of these types
    assert 'value="makerspace"' in html  # one place
    narrowed = selectors.atlas_facets(selectors.parse_filters({"type": "coworking", "commune": "69123"}))
    assert narrowed.types["coworking"] == 2 and narrowed.types["fablab"] == 1  # the other facets kept
    ticked = client.get(reverse("places:atlas"), {"type": "micro_folie"}).content.decode()
    assert 'value="micro_folie"' in ticked and "Micro-Folie (0)" in ticked  # a ticked value stays


def test_the_digital_inclusion_layer_is_apart_unless_asked_for(atlas, client):
    assert names(atlas, "mediation").isdisjoint(_found("numerique"))
    assert names(atlas, "mediation") <= _found("numerique", mediation="1")
    assert names(atlas, "mediation") <= _found("", type="mediation_numerique")
    html = client.get(reverse("places:atlas")).content.decode()
    assert "1 lieu de médiation numérique correspond aussi à ces critères" in html
    shown = client.get(reverse("places:atlas"), {"mediation": "1"}).content.decode()
    assert "La couche « médiation numérique » est affichée" in shown
    api = client.get("/api/v1/places").json()
    assert api["count"] == len(atlas) - 1
    assert client.get("/api/v1/places", {"mediation": "1"}).json()["count"] == len(atlas)
    export = b"".join(client.get("/lieux/export.csv").streaming_content).decode()
    assert "Point numérique" not in export
    assert (
        "Point numérique" in b"".join(client.get("/lieux/export.csv?mediation=1").streaming_content).decode()
    )
