"""The one text folding (tierslieux/core/text.py) and the two readers built on it."""

import pytest

from tierslieux.core.text import fold
from tierslieux.geo.text import normalize_name
from tierslieux.places.text import normalise


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Saint-Étienne", "saint-etienne"),
        ("L’Haÿ-les-Roses", "l’hay-les-roses"),
        ("Cœur de Ville", "coeur de ville"),
        ("ÆSTHÉTIQUE", "aesthetique"),
        ("Straße", "strasse"),
        ("", ""),
    ],
)
def test_fold_lowers_strips_accents_and_spells_ligatures(text, folded):
    assert fold(text) == folded


def test_the_readers_fold_the_same_way_then_cut_their_own():
    assert normalize_name("Cœur-d’Ostrevent") == "coeur d ostrevent"
    assert normalise("Le Cœur-d’Ostrevent &amp; Café") == "le coeur dostrevent cafe"
