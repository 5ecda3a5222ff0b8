"""The pure matching module: same kind and category, within the source's radius, ranked by distance and
freshness, never an owner with themselves; identical to the brute force on random data; companions."""

import random
import subprocess
import sys

import pytest

from tierslieux.network import matching
from tierslieux.network.matching import Companion, Item, Seeker, companions_for, rank, rank_brute_force

NOW = 1_780_000_000.0
DAY = 86_400.0
# Brest town hall, and points due east of it (1° of longitude ≈ 74 km at this latitude).
BREST = (-4.486, 48.39)


def item(
    id,
    lon=BREST[0],
    lat=BREST[1],
    *,
    kind="equipment",
    category="fabrication",
    radius=30,
    age_days=0,
    owner=0,
):
    return Item(id, kind, category, lon, lat, float(radius), NOW - age_days * DAY, owner)


def test_need_finds_offers_of_same_kind_within_its_radius_nearest_first():
    need = item(1, radius=30)
    offers = [
        item(10, BREST[0] + 0.2),  # ~15 km
        item(11, BREST[0] + 0.05),  # ~4 km
        item(12, BREST[0] + 0.6),  # ~44 km: outside the need's radius
        item(13, BREST[0] + 0.01, category="textile"),  # other category
        item(14, BREST[0] + 0.01, kind="skill"),  # other kind
    ]
    result = rank([need], offers, now=NOW)
    assert [m.target for m in result[1]] == [11, 10]
    assert 3 < result[1][0].distance_km < 5 and 13 < result[1][1].distance_km < 16


def test_freshness_counts_like_distance():
    need = item(1, radius=50)
    near_but_old = item(10, BREST[0] + 0.05, age_days=60)  # ~4 km + 30 km of age
    far_but_new = item(11, BREST[0] + 0.2, age_days=0)  # ~15 km
    assert [m.target for m in rank([need], [near_but_old, far_but_new], now=NOW)[1]] == [11, 10]


def test_the_reverse_uses_the_offers_radius():
    offer = item(10, radius=5)
    needs = [item(1, BREST[0] + 0.05, radius=100), item(2, BREST[0] + 0.2, radius=100)]
    assert [m.target for m in rank([offer], needs, now=NOW)[10]] == [1]
    # The need's own radius (100 km) sees the offer.
    assert [m.target for m in rank(needs, [offer], now=NOW)[2]] == [10]


def test_an_owner_never_matches_themselves_and_ties_go_by_id():
    need = item(1, owner=7)
    offers = [item(12, owner=8), item(11, owner=8), item(10, owner=7)]
    assert [m.target for m in rank([need], offers, now=NOW)[1]] == [11, 12]


def test_limit_keeps_the_best():
    need = item(1, radius=100)
    offers = [item(10 + k, BREST[0] + 0.05 * k) for k in range(10)]
    assert [m.target for m in rank([need], offers, now=NOW, limit=3)[1]] == [10, 11, 12]


def test_no_match_no_entry_and_empty_inputs():
    assert rank([item(1)], [], now=NOW) == {}
    assert rank([], [item(1)], now=NOW) == {}
    assert rank([item(1, kind="loan", category="vehicule")], [item(2)], now=NOW) == {}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_identical_to_the_brute_force_on_random_data(seed):
    rng = random.Random(seed)
    categories = [
        ("equipment", "fabrication"),
        ("equipment", "textile"),
        ("skill", "animation"),
        ("space", "atelier"),
    ]

    def random_items(count, first):
        items = []
        for k in range(count):
            kind, category = rng.choice(categories)
            items.append(
                Item(
                    first + k,
                    kind,
                    category,
                    rng.uniform(-1.5, 1.5),
                    rng.uniform(46.5, 48.5),
                    float(rng.choice([1, 5, 20, 50, 150])),
                    NOW - rng.uniform(0, 90) * DAY,
                    rng.randint(0, 30),
                )
            )
        return items

    needs, offers = random_items(400, 1), random_items(500, 10_000)
    for limit in (None, 5):
        assert rank(needs, offers, now=NOW, limit=limit) == rank_brute_force(
            needs, offers, now=NOW, limit=limit
        )
        assert rank(offers, needs, now=NOW, limit=limit) == rank_brute_force(
            offers, needs, now=NOW, limit=limit
        )


def test_radius_at_the_antipodes_and_across_the_date_line():
    need = item(1, 179.9, 0.0, radius=50)
    offer = item(10, -179.9, 0.0)
    assert [m.target for m in rank([need], [offer], now=NOW)[1]] == [10]


def test_companions_by_common_themes_then_distance_within_their_travel():
    seeker = Seeker(1, BREST[0], BREST[1], frozenset({"gouvernance", "financements"}))
    companions = [
        Companion(10, BREST[0] + 0.1, BREST[1], frozenset({"gouvernance"}), 50, 1),
        Companion(11, BREST[0] + 0.5, BREST[1], frozenset({"gouvernance", "financements"}), 100, 2),
        Companion(
            12, BREST[0] + 0.05, BREST[1], frozenset({"gouvernance", "financements"}), 2, 1
        ),  # too far for it
        Companion(13, BREST[0] + 0.05, BREST[1], frozenset({"gouvernance"}), 50, 0),  # full
        Companion(14, BREST[0] + 0.05, BREST[1], frozenset({"juridique"}), 50, 3),  # no common theme
    ]
    found = companions_for(seeker, companions)
    assert [m.companion for m in found] == [11, 10]
    assert found[0].common_themes == ("financements", "gouvernance")


def test_the_module_imports_no_django():
    code = "import sys; import tierslieux.network.matching, tierslieux.network.recurrence; assert 'django' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
    assert matching.LIMIT == 20
