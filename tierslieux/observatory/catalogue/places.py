"""The figures of the places of the territory: types, commune size and density, métropoles, QPV and Petites
villes de demain, Fabriques against population, coverage."""

from __future__ import annotations

from dataclasses import replace

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tierslieux.geo import selectors as geo_selectors
from tierslieux.geo.classification import DENSITY_LEVELS, SizeClass
from tierslieux.geo.text import normalize_name
from tierslieux.places.models import PlaceType

from .. import figures
from ..figures import ChartSpec, Column, Figure, Row, Source, Table
from ..selectors import Observatory
from . import as_of, atlas_n, atlas_source, count_columns, figure, geography_sources, query, title


# --- Les tiers-lieux du territoire ---------------------------------------------------------------------------
def _atlas_counts(obs: Observatory, shares, labels, **parts) -> Figure:
    """A figure of counts of the open places of the atlas (one row per key of `shares`), drawn as bars."""
    count_label, share_label = count_columns()
    return Figure(
        table=figures.count_table(shares, labels, count_label=count_label, share_label=share_label),
        chart=ChartSpec("nombre"),
        **atlas_n(obs),
        **parts,
    )


@figure("types", "lieux")
def places_by_type(obs: Observatory) -> Figure:
    labels = {key: str(label) for key, label in PlaceType.choices} | {"": _("Type non renseigné")}
    shares = figures.count_by(obs.atlas, lambda row: row.types or ("",), order=PlaceType.values)
    return _atlas_counts(
        obs,
        {key: item for key, item in shares.items() if item.count},
        labels,
        id="types",
        title=title(obs, _("Tiers-lieux ouverts par type")),
        description=_("Nombre de tiers-lieux ouverts de chaque type."),
        row_header=_("Type"),
        sources=(atlas_source(obs),),
        method=_(
            "Lieux de l’atlas au statut « ouvert » dont la commune est dans le territoire. Un lieu peut avoir "
            "plusieurs types : il compte dans chacun, et les parts peuvent dépasser 100 % au total."
        ),
    )


SIZE_ORDER = [c.value for c in SizeClass]


@figure("taille-communes", "lieux")
def places_by_size(obs: Observatory) -> Figure:
    shares = figures.count_by(obs.atlas, lambda row: (row.size_class,), order=SIZE_ORDER)
    return _atlas_counts(
        obs,
        {key: item for key, item in shares.items() if item.count or key != SizeClass.UNKNOWN.value},
        {c.value: c.label for c in SizeClass},
        id="taille-communes",
        title=title(obs, _("Tiers-lieux ouverts selon la taille de leur commune")),
        description=_("Nombre de tiers-lieux ouverts selon la population municipale de leur commune."),
        row_header=_("Taille de la commune"),
        sources=(atlas_source(obs), *geography_sources()[:1]),
        method=_(
            "Population municipale de la commune du lieu (un arrondissement de Paris, Lyon ou Marseille compte "
            "pour sa ville) : commune rurale sous 2 000 habitants, petite ville de 2 000 à 19 999, ville moyenne "
            "de 20 000 à 99 999, grande ville à partir de 100 000 — les seuils de la classification des "
            "communes de la plateforme."
        ),
    )


@figure("densite", "lieux")
def places_by_density(obs: Observatory) -> Figure:
    shares = figures.count_by(obs.atlas, lambda row: (row.density_level,), order=[*DENSITY_LEVELS, ""])
    return _atlas_counts(
        obs,
        {key: item for key, item in shares.items() if item.count or key},
        {level: _(level) for level in DENSITY_LEVELS} | {"": _("Niveau inconnu")},
        id="densite",
        title=title(obs, _("Tiers-lieux ouverts selon la densité de leur commune")),
        description=_(
            "Nombre de tiers-lieux ouverts selon le niveau de leur commune dans la grille de densité."
        ),
        row_header=_("Niveau de densité"),
        sources=(atlas_source(obs), geography_sources()[1]),
        method=_(
            "Grille communale de densité de l’INSEE à 7 niveaux, des grands centres urbains au rural à habitat "
            "très dispersé ; un arrondissement a le niveau de sa ville."
        ),
    )


@figure("territoires", "lieux")
def places_in_programmes(obs: Observatory) -> Figure:
    rows = obs.atlas
    items = {
        "hors_metropole": (_("Hors des 22 métropoles"), figures.share(rows, lambda r: not r.in_metropole)),
        "qpv": (_("En quartier prioritaire (QPV)"), figures.share(rows, lambda r: r.in_qpv)),
        "pvd": (_("Dans une Petite ville de demain"), figures.share(rows, lambda r: r.pvd)),
    }
    figure_ = _atlas_counts(
        obs,
        {key: item for key, (_label, item) in items.items()},
        {key: label for key, (label, _item) in items.items()},
        id="territoires",
        title=title(obs, _("Tiers-lieux hors métropoles, en QPV et en Petites villes de demain")),
        description=_(
            "Part des tiers-lieux ouverts hors métropoles, en quartier prioritaire et en Petite ville de demain."
        ),
        row_header=_("Où"),
        sources=(atlas_source(obs), *geography_sources()),
        method=_(
            "Métropole : commune membre d’un des 22 EPCI de type métropole (Métropole de Lyon et Métropole du "
            "Grand Paris comprises). QPV : tant que les périmètres officiels ne sont pas chargés, un lieu compte "
            "« en QPV » quand sa commune compte au moins un quartier prioritaire de la génération 2024 (la liste "
            "ne donne que les communes) ; une fois les périmètres chargés, quand son point est dans un "
            "périmètre. Petites villes de demain : commune lauréate du programme."
        ),
    )
    return replace(figure_, chart=ChartSpec("part", max_value=1.0))


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
    links = {code: query(obs, **{CHILD_PARAMS[level]: code}) for code in counts if territory.kind != "epci"}
    return Figure(
        id="fabriques",
        title=title(obs, _("Fabriques de territoire labellisées au regard de la population")),
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
                as_of(obs),
            ),
            Source(_("Lauréats publiés des appels de la plateforme"), as_of(obs)),
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
        title=title(obs, _("Population à moins de 5, 10 et 20 km d’un tiers-lieu")),
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
                as_of(obs),
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
