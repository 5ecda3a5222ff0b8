"""Matching rows of an import with existing places, and the merge policy (pure module places.matching)."""

import pytest

from tierslieux.places.matching import (
    FILL,
    IMPROVE,
    KEEP,
    REPLACE,
    SAME,
    UNION,
    Candidate,
    CandidateIndex,
    Incoming,
    evaluate,
    merge_plan,
    name_change,
    website_key,
)

NICE = Candidate(
    1,
    "La Verrière",
    "06088",
    commune_name="Nice",
    lon=7.2661,
    lat=43.6961,
    website="https://verriere.example",
)
COLOMBES = Candidate(2, "La Factory", "92025", commune_name="Colombes", lon=2.2546, lat=48.9236)
PORT = Candidate(3, "La Fabrique du Port", "29039", commune_name="Concarneau", lon=-3.92, lat=47.87)
RESSOURCES = Candidate(
    4,
    "Atelier Ressources",
    "29039",
    commune_name="Concarneau",
    lon=-3.9190,
    lat=47.8702,
    website="https://atelier-ressources.example",
)
INDEX = CandidateIndex([NICE, COLOMBES, PORT, RESSOURCES])


def test_the_same_name_in_another_commune_is_never_a_match():
    quesnoy = Incoming("La Verrière", "59481", commune_name="Le Quesnoy", lon=3.6369, lat=50.2478)
    assert INDEX.find(quesnoy) == []
    paris = Incoming("La Factory", "75111", "75056", "Paris 11e Arrondissement", lon=2.3789, lat=48.8656)
    assert INDEX.find(paris) == []


def test_a_match_across_communes_is_proposed_never_automatic():
    # Same website, other commune: a candidate a person may choose, not an automatic merge.
    elsewhere = Incoming(
        "La Verrière", "06083", commune_name="Menton", lon=7.5, lat=43.77, website="verriere.example/"
    )
    [match] = INDEX.find(elsewhere)
    assert match.candidate == NICE and not match.automatic and match.same_website
    # Within a few hundred metres across a commune border, same name: proposed.
    border = Incoming("La Fabrique du Port", "29150", commune_name="Trégunc", lon=-3.918, lat=47.8705)
    [match] = INDEX.find(border)
    assert match.candidate == PORT and not match.automatic and "near" in match.reasons


def test_same_commune_and_similar_name_is_automatic_whatever_the_case():
    row = Incoming("LA FABRIQUE DU PORT", "29039", commune_name="Concarneau", lon=-3.9201, lat=47.8702)
    [match] = INDEX.find(row)
    assert match.candidate == PORT and match.automatic and match.similarity == 1.0


def test_a_near_duplicate_with_the_same_website_is_a_match():
    row = Incoming(
        "L'Atelier - Ressourcerie",
        "29039",
        commune_name="Concarneau",
        lon=-3.91952,
        lat=47.8702,
        website="https://www.atelier-ressources.example/",
    )
    [match] = INDEX.find(row)
    assert match.candidate == RESSOURCES and match.automatic
    assert round(match.distance_m) == 39 and match.same_website


def test_name_alone_never_matches_and_the_location_alone_neither():
    far = Incoming("Atelier Ressources", "35238", commune_name="Rennes", lon=-1.68, lat=48.11)
    assert INDEX.find(far) == []
    other_name_same_spot = Incoming("Le Bocal", "29039", commune_name="Concarneau", lon=-3.92, lat=47.87)
    assert evaluate(other_name_same_spot, PORT) is None


def test_arrondissements_belong_to_their_city():
    candidate = Candidate(9, "Le Lieu", "75056", commune_name="Paris", lon=2.35, lat=48.85)
    match = evaluate(
        Incoming("Le Lieu", "75111", "75056", "Paris 11e Arrondissement", lon=2.37, lat=48.86), candidate
    )
    assert match is not None and match.same_commune and match.automatic


def test_website_keys():
    assert website_key("https://www.Ex.org/a/?utm=1#top") == website_key("http://ex.org/a") == "ex.org/a"


@pytest.mark.parametrize(
    ("current", "incoming", "kind"),
    [
        ("La Fabrique du Port", "La Fabrique du Port", SAME),
        ("La Fabrique du Port", "LA FABRIQUE DU PORT", KEEP),  # never replaced by its upper-case variant
        ("La Fabrique du Port", "la fabrique du port", KEEP),
        ("La Fabrique du Port", "Fabrique du Port", KEEP),  # less complete
        ("La Fabrique du Port", "Fabrique", KEEP),
        ("LA FABRIQUE DU PORT", "La Fabrique du Port", IMPROVE),
        ("La Fabrique", "La Fabrique du Port de Concarneau", REPLACE),
        ("La Fabrique du Port", "Le Hangar", REPLACE),
    ],
)
def test_names(current, incoming, kind):
    assert name_change(current, incoming) == kind


def _kinds(plan):
    return {c.field: c.kind for c in plan.changes}


def test_merge_policy_field_by_field():
    current = {
        "name": "La Fabrique du Port",
        "address": "",
        "website": "https://port.example",
        "types": ["fablab"],
        "services": [],
        "postcode": "29900",
        "point": (-3.92, 47.87, "person"),
        "commune": ("29039", ""),
    }
    incoming = {
        "name": "LA FABRIQUE DU PORT",
        "address": "1 quai",
        "website": "https://autre.example",
        "types": ["coworking"],
        "services": ["bureaux"],
        "postcode": "29900",
        "point": (-3.918, 47.875, "commune"),
        "commune": ("29039", ""),
        "description": "",
    }
    plan = merge_plan(current, incoming)
    assert _kinds(plan) == {
        "name": KEEP,
        "address": FILL,
        "website": REPLACE,
        "types": UNION,
        "services": FILL,
        "postcode": SAME,
        "point": KEEP,  # a precise point is never replaced by the commune's
        "commune": SAME,
    }
    assert plan.data() == {
        "address": "1 quai",
        "website": "https://autre.example",
        "types": ["fablab", "coworking"],
        "services": ["bureaux"],
    }
    assert plan.data(replace=False) == {
        "address": "1 quai",
        "types": ["fablab", "coworking"],
        "services": ["bureaux"],
    }
    assert [c.field for c in plan.replaced] == ["website"]


def test_points_by_precision():
    precise, town_hall = (-3.92, 47.87, "source"), (-3.918, 47.875, "commune")
    assert merge_plan({"point": town_hall}, {"point": precise}).changes[0].kind == IMPROVE
    assert merge_plan({"point": precise}, {"point": town_hall}).changes[0].kind == KEEP
    assert (
        merge_plan({"point": precise}, {"point": (-3.9201, 47.8702, "source")}).changes[0].kind == KEEP
    )  # 24 m
    assert merge_plan({"point": precise}, {"point": (-3.95, 47.9, "source")}).changes[0].kind == REPLACE
    # A point moving to another commune is never silent, even when more precise.
    plan = merge_plan(
        {"point": town_hall, "commune": ("29039", "")},
        {"point": (-3.85, 47.8, "source"), "commune": ("29150", "")},
    )
    assert _kinds(plan) == {"point": REPLACE, "commune": REPLACE}


def test_autre_disappears_when_a_real_type_comes():
    plan = merge_plan({"types": ["autre"]}, {"types": ["fablab"]})
    assert plan.data() == {"types": ["fablab"]}
