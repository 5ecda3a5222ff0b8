"""Classification of a commune for the programme's eligibility rules (plain Python, no Django).

- size class from the municipal population: rural (< 2,000 inhabitants), small town (2,000–19,999),
  medium town (20,000–99,999), large city (≥ 100,000);
- "grand centre urbain" or not, from the INSEE 7-level density grid: the programme's envelope "outside
  large urban centres" means "not Grands centres urbains";
- member of a métropole (EPCI of type ME); Petite ville de demain; Action Cœur de ville; has a QPV.

Thresholds and labels live in `ClassificationSettings` (a frozen dataclass); the Django side builds it
from `settings.GEO_CLASSIFICATION` (a dict of overrides) when present. Arrondissements of Paris, Lyon and
Marseille are classified as their parent commune: the caller passes the parent's facts
(`tierslieux.geo.selectors.commune_classification` does it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from tierslieux.core.i18n import gettext as _
from tierslieux.core.i18n import gettext_noop


class SizeClass(StrEnum):
    RURAL = "rural"
    SMALL_TOWN = "small_town"
    MEDIUM_TOWN = "medium_town"
    LARGE_CITY = "large_city"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        """The label of the size class in the active language."""
        return _(SIZE_LABELS[self])


SIZE_LABELS = {
    SizeClass.RURAL: gettext_noop("Commune rurale"),
    SizeClass.SMALL_TOWN: gettext_noop("Petite ville"),
    SizeClass.MEDIUM_TOWN: gettext_noop("Ville moyenne"),
    SizeClass.LARGE_CITY: gettext_noop("Grande ville"),
    SizeClass.UNKNOWN: gettext_noop("Taille inconnue"),
}

# The seven levels of the INSEE communal density grid, from the densest: INSEE's names, stored as they are in
# `Commune.density_level` (marked for translation where shown).
DENSITY_LEVELS = (
    gettext_noop("Grands centres urbains"),
    gettext_noop("Centres urbains intermédiaires"),
    gettext_noop("Ceintures urbaines"),
    gettext_noop("Petites villes"),
    gettext_noop("Bourgs ruraux"),
    gettext_noop("Rural à habitat dispersé"),
    gettext_noop("Rural à habitat très dispersé"),
)


@dataclass(frozen=True)
class ClassificationSettings:
    """Thresholds (inhabitants, lower bounds) and the grid levels counted as "large urban centre"."""

    small_town_from: int = 2_000
    medium_town_from: int = 20_000
    large_city_from: int = 100_000
    large_urban_centre_levels: tuple[str, ...] = ("Grands centres urbains",)
    metropole_kinds: tuple[str, ...] = ("ME",)

    def __post_init__(self) -> None:
        if not 0 < self.small_town_from < self.medium_town_from < self.large_city_from:
            raise ValueError("size thresholds must be positive and increasing")


@dataclass(frozen=True)
class CommuneFacts:
    """What the classification needs to know about a commune (already rolled up to the parent)."""

    insee: str
    name: str
    population: int | None
    density_level: str = ""
    epci_kind: str = ""
    petite_ville_de_demain: bool = False
    coeur_de_ville: bool = False
    qpv_codes: Sequence[str] = ()


@dataclass(frozen=True)
class Classification:
    insee: str
    name: str
    population: int | None
    size_class: SizeClass
    density_level: str
    large_urban_centre: bool | None  # None: density level unknown
    in_metropole: bool
    petite_ville_de_demain: bool
    coeur_de_ville: bool
    qpv_codes: tuple[str, ...] = field(default_factory=tuple)
    classified_as: str = ""  # INSEE code of the commune actually classified (the parent of an arrondissement)

    @property
    def size_label(self) -> str:
        return self.size_class.label

    @property
    def has_qpv(self) -> bool:
        return bool(self.qpv_codes)

    @property
    def outside_large_urban_centres(self) -> bool | None:
        """The programme's "hors grands centres urbains" (None when the density level is unknown)."""
        return None if self.large_urban_centre is None else not self.large_urban_centre


def size_class(population: int | None, config: ClassificationSettings | None = None) -> SizeClass:
    """Size class of a population (None → UNKNOWN)."""
    config = config or ClassificationSettings()
    if population is None:
        return SizeClass.UNKNOWN
    if population >= config.large_city_from:
        return SizeClass.LARGE_CITY
    if population >= config.medium_town_from:
        return SizeClass.MEDIUM_TOWN
    if population >= config.small_town_from:
        return SizeClass.SMALL_TOWN
    return SizeClass.RURAL


def classify(facts: CommuneFacts, config: ClassificationSettings | None = None) -> Classification:
    """Classify one commune from its facts."""
    config = config or ClassificationSettings()
    density = facts.density_level or ""
    return Classification(
        insee=facts.insee,
        name=facts.name,
        population=facts.population,
        size_class=size_class(facts.population, config),
        density_level=density,
        large_urban_centre=(density in config.large_urban_centre_levels) if density else None,
        in_metropole=facts.epci_kind in config.metropole_kinds,
        petite_ville_de_demain=facts.petite_ville_de_demain,
        coeur_de_ville=facts.coeur_de_ville,
        qpv_codes=tuple(sorted(facts.qpv_codes)),
        classified_as=facts.insee,
    )
