"""The series: the 2019 census, the Fabriques labelled before the platform, each year's laureates and the atlas
today, on the same definitions."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tierslieux.geo import selectors as geo_selectors

from .. import figures
from ..figures import ChartSpec, Column, Figure, Source
from ..selectors import Observatory
from . import as_of, atlas_source, figure, geography_sources, title, today_text


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
            "atlas", _("Atlas, %(date)s (lieux ouverts)") % {"date": today_text(obs)}, tuple(obs.atlas)
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
        title=title(obs, _("Les tiers-lieux de 2019, les Fabriques et l’atlas, sur les mêmes définitions")),
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
            Source(_("Lauréats publiés des appels de la plateforme"), as_of(obs)),
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
