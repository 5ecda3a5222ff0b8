"""The one text folding of the platform: what the searches and the matchings compare (plain Python, no Django).

    fold("Saint-Étienne")    # "saint-etienne"
    fold("Cœur de Ville")    # "coeur de ville"

Each reader then cuts the folded text its own way: `geo.text.normalize_name` (names of territories: separators
as spaces), `places.text.normalise` (place names and imported values: ASCII words only).
"""

from __future__ import annotations

import unicodedata

# Ligatures have no decomposition in Unicode: spelled out as French writes them without ligature.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


def fold(value: str) -> str:
    """Lower-case, accents and other diacritics removed, ligatures spelled out ("L'Haÿ" → "l'hay")."""
    decomposed = unicodedata.normalize("NFKD", (value or "").translate(_LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
