"""The figures of the Fabriques' activity: accepted annual reports, the yearly census, mentoring."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tierslieux.network.models.choices import Outcome
from tierslieux.places.models import LegalForm

from .. import figures
from ..figures import ChartSpec, Column, Figure, Row, Source, Table
from ..selectors import Observatory
from . import as_of, figure, title


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
    attribute, kind, name = REPORT_INDICATORS[figure_id]
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
        title=title(obs, str(name)),
        description=_("Médiane par année des valeurs déclarées dans les rapports annuels acceptés."),
        row_header=_("Année"),
        table=figures.indicator_table(items, indicator_columns(kind)),
        chart=ChartSpec("mediane", value_label=_("Médiane")),
        n=sum(item.indicator.n for item in items),
        n_label=_("rapports comptés"),
        sources=(
            Source(_("Rapports d’activité annuels acceptés des conventions de la plateforme"), as_of(obs)),
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


CENSUS_METHOD = gettext_lazy(
    "Réponses des gestionnaires au recensement annuel, une par lieu invité (lieux non fermés ayant un "
    "gestionnaire). Les valeurs déclarées ne sont pas vérifiées. Toute case calculée sur moins de 5 réponses "
    "est masquée ; dans un tableau de comptes, la plus petite autre case l’est aussi quand une seule serait "
    "masquée, pour qu’on ne puisse pas la retrouver par différence avec le total."
)


def _census_figure(obs: Observatory, **parts) -> Figure:
    """A figure of the census shown (the year asked, else the last one), with its n, response rate and method."""
    return Figure(
        n=len(obs.census),
        n_label=_("réponses"),
        sources=(Source(_("Recensement annuel des lieux de la plateforme"), str(obs.census_year or "—")),),
        method=str(CENSUS_METHOD),
        notes=tuple(_census_notes(obs)),
        available=obs.census_year is not None,
        **parts,
    )


def _census_counts(counts: dict[str, int], labels: dict[str, str]) -> Table:
    return figures.protected_count_table(
        counts, labels, count_label=_("Réponses"), share_label=_("Part des réponses")
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
    return _census_figure(
        obs,
        id="recensement",
        title=title(obs, _("Surface, usagers et emplois déclarés au recensement")),
        description=_("Somme et médiane des surfaces, usagers par mois et emplois déclarés au recensement."),
        row_header=_("Question"),
        table=table,
    )


@figure("recensement-ouverture", "recensement")
def census_open(obs: Observatory) -> Figure:
    counts = {
        "ouvert": sum(1 for a in obs.census if a.still_open),
        "ferme": sum(1 for a in obs.census if not a.still_open),
    }
    return _census_figure(
        obs,
        id="recensement-ouverture",
        title=title(obs, _("Lieux toujours ouverts selon le recensement")),
        description=_("Lieux qui se déclarent toujours ouverts ou fermés au recensement."),
        row_header=_("Réponse"),
        table=_census_counts(counts, {"ouvert": _("Toujours ouvert"), "ferme": _("Fermé")}),
        chart=ChartSpec("nombre"),
    )


@figure("recensement-formes", "recensement")
def census_legal_forms(obs: Observatory) -> Figure:
    counts = {code: 0 for code in LegalForm.values}
    for answer in obs.census:
        counts[answer.legal_form or ""] = counts.get(answer.legal_form or "", 0) + 1
    return _census_figure(
        obs,
        id="recensement-formes",
        title=title(obs, _("Formes juridiques déclarées au recensement")),
        description=_("Nombre de lieux de chaque forme juridique, selon leurs réponses au recensement."),
        row_header=_("Forme juridique"),
        table=_census_counts(
            {code: count for code, count in counts.items() if count},
            {code: str(label) for code, label in LegalForm.choices},
        ),
        chart=ChartSpec("nombre"),
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
        title=title(obs, _("Le compagnonnage entre lieux")),
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
        sources=(Source(_("Réseau de la plateforme — compagnonnage"), as_of(obs)),),
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
