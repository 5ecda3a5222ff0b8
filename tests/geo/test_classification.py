"""Classification of communes: the pure module and the selector on known communes."""

from __future__ import annotations

import pytest

from tierslieux.geo.classification import (
    ClassificationSettings,
    CommuneFacts,
    SizeClass,
    classify,
    size_class,
)
from tierslieux.geo.selectors import commune_classification


@pytest.mark.parametrize(
    ("population", "expected"),
    [
        (0, SizeClass.RURAL),
        (1_999, SizeClass.RURAL),
        (2_000, SizeClass.SMALL_TOWN),
        (19_999, SizeClass.SMALL_TOWN),
        (20_000, SizeClass.MEDIUM_TOWN),
        (99_999, SizeClass.MEDIUM_TOWN),
        (100_000, SizeClass.LARGE_CITY),
        (None, SizeClass.UNKNOWN),
    ],
)
def test_size_class_thresholds(population, expected):
    assert size_class(population) is expected


def test_thresholds_are_configurable_and_checked():
    config = ClassificationSettings(small_town_from=3_500)
    assert size_class(3_000, config) is SizeClass.RURAL
    with pytest.raises(ValueError, match="size thresholds must be positive and increasing"):
        ClassificationSettings(small_town_from=50_000, medium_town_from=20_000)


def test_classify_pure_facts():
    result = classify(
        CommuneFacts("00001", "Exemple", 45_000, "Grands centres urbains", "ME", False, True, ["QN1", "QN0"])
    )
    assert result.size_class is SizeClass.MEDIUM_TOWN and result.size_label == "Ville moyenne"
    assert result.large_urban_centre is True and result.outside_large_urban_centres is False
    assert result.in_metropole and result.coeur_de_ville and not result.petite_ville_de_demain
    assert result.has_qpv and result.qpv_codes == ("QN0", "QN1")
    unknown = classify(CommuneFacts("00002", "Sans grille", None))
    assert unknown.large_urban_centre is None and unknown.outside_large_urban_centres is None
    assert not unknown.has_qpv and not unknown.in_metropole


def test_concarneau_is_a_small_town_outside_metropoles(db, france):
    result = commune_classification("29039")
    assert result.size_class is SizeClass.SMALL_TOWN
    assert result.population == 19_050
    assert result.density_level == "Petites villes"
    assert result.outside_large_urban_centres is True
    assert not result.in_metropole
    assert result.petite_ville_de_demain and not result.coeur_de_ville
    assert result.qpv_codes == ("QN02901M",)


def test_villeurbanne_is_in_the_metropole_de_lyon(db, france):
    result = commune_classification("69266")
    assert result.in_metropole
    assert result.size_class is SizeClass.LARGE_CITY
    assert result.large_urban_centre is True
    assert "QN06901M" in result.qpv_codes


def test_paris_arrondissements_roll_up_to_paris(db, france):
    result = commune_classification("75101")
    assert result.insee == "75101" and result.classified_as == "75056"
    assert result.population == commune_classification("75056").population > 2_000_000
    assert result.size_class is SizeClass.LARGE_CITY
    assert result.in_metropole and result.large_urban_centre
    assert result.has_qpv
    assert commune_classification("13201").classified_as == "13055"


def test_settings_override(db, france, settings):
    settings.GEO_CLASSIFICATION = {"small_town_from": 20_000, "medium_town_from": 50_000}
    assert commune_classification("29039").size_class is SizeClass.RURAL
