"""The choropleths of /diagnostic/: values in their table, classes told apart without colour, contrast."""

import itertools
import json

import pytest

from tests.contrast import contrast
from tierslieux.geo.diagnostic.selectors import MAP_CLASSES, MAP_COLOURS, MAP_PATTERNS, map_legend


def test_neighbouring_classes_and_swatches_contrast_at_least_3_to_1():
    assert len(MAP_COLOURS) == len(MAP_PATTERNS) == len(MAP_CLASSES) + 1
    for colour in MAP_COLOURS:
        assert contrast(colour, "#ffffff") >= 3, colour
    for a, b in itertools.pairwise(MAP_COLOURS):
        assert contrast(a, b) >= 3, (a, b)


def test_every_class_has_its_own_pattern():
    assert len(set(MAP_PATTERNS)) == len(MAP_PATTERNS)
    legend = map_legend()
    assert [item["class"] for item in legend] == list(range(len(MAP_COLOURS)))
    assert legend[-1]["label"] == "aucun tiers-lieu compté"


def test_the_france_table_carries_the_value_of_each_department_on_the_map(client, geography):
    html = client.get("/diagnostic/").content.decode()
    assert "Distance moyenne (carte)" in html
    features = json.loads(client.get("/diagnostic/carte.geojson").content)["features"]
    assert features
    for feature in features:
        p = feature["properties"]
        assert p["pattern"] == MAP_PATTERNS[p["class"]]
        label = map_legend()[p["class"]]["label"]
        if p["km"] is not None:
            value = f"{p['km']:.1f}".replace(".", ",")
            assert f"{value}\u202fkm (classe « {label} »)" in html, (p["name"], value, label)
    # The patterns the map and the legend use are in the page.
    for k in range(len(MAP_COLOURS)):
        assert f'id="tl-dist-{k}"' in html and f'fill="url(#tl-dist-{k})"' in html


@pytest.mark.parametrize("url", ["/diagnostic/", "/diagnostic/region/53/"])
def test_map_description_points_at_the_values(client, geography, url):
    html = client.get(url).content.decode()
    assert "les valeurs sont dans la colonne « Distance moyenne (carte) »" in html
