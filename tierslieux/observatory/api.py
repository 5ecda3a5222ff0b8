"""API of the observatory, mounted under /api/v1/observatoire (OpenAPI at /api/v1/docs). Public: the same
figures as the pages and their JSON downloads, with the same filters and the same small-cell rule."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from . import catalogue
from .forms import filters_from
from .selectors import Observatory
from .views import INVALID, figure_payload

router = Router(tags=["Observatoire"])


class ParameterErrorOut(Schema):
    """One invalid parameter, in the platform's error shape (tierslieux/api/api.py::ERROR_SCHEMA)."""

    parameter: str | None = None
    in_: str = Field("query", alias="in")
    type: str = "invalid"
    message: str


class ErrorOut(Schema):
    detail: str = Field(description="Le motif, en français")
    errors: list[ParameterErrorOut] = Field(
        default_factory=list, description="Un élément par paramètre invalide (réponses 400)"
    )


class FigureSummaryOut(Schema):
    id: str
    group: str = Field(description="Section de la page de l’observatoire")
    url: str = Field(description="Adresse de la figure dans l’API")


class ColumnOut(Schema):
    key: str
    label: str
    kind: str = Field(description="text, count, share, rate (0 à 1), decimal, number ou euros")


class RowOut(Schema):
    code: str
    label: str
    values: dict[str, Any] = Field(description="Valeurs brutes par colonne ; null : inconnue ou masquée")
    hidden: list[str] = Field(description="Colonnes masquées par la règle des petits effectifs (n < 5)")


class SourceOut(Schema):
    name: str
    date: str


class TerritoryOut(Schema):
    kind: str = Field(description="france, region, departement ou epci")
    code: str
    name: str


class FigureOut(Schema):
    id: str
    title: str
    description: str
    available: bool = Field(description="false : la figure n’existe pas pour ces filtres (voir notes)")
    n: int | None = Field(description="Ce que la figure compte (lieux, rapports, réponses…)")
    n_label: str
    min_cell: int = Field(
        description="Seuil des petits effectifs : une case calculée sur moins de n est masquée"
    )
    columns: list[ColumnOut]
    rows: list[RowOut]
    sources: list[SourceOut]
    method: str
    notes: list[str]
    territory: TerritoryOut
    year: int | None
    computed_on: str = Field(description="Date du calcul (AAAA-MM-JJ)")


@router.get("", response=list[FigureSummaryOut], summary="Liste des figures de l’observatoire")
def figures_list(request):
    """Toutes les figures, dans l’ordre de la page /observatoire/."""
    return [
        {"id": spec.id, "group": spec.group, "url": f"/api/v1/observatoire/{spec.id}"}
        for spec in catalogue.specs()
    ]


@router.get(
    "/{figure_id}",
    response={200: FigureOut, 400: ErrorOut, 404: ErrorOut},
    summary="Une figure de l’observatoire",
    by_alias=True,
)
def figure_detail(
    request,
    figure_id: str,
    region: str | None = None,
    departement: str | None = None,
    epci: str | None = None,
    annee: str | None = None,
):
    """Les données d’une figure pour un territoire (un seul de `region`, `departement`, `epci`, ou plusieurs
    emboîtés ; aucun : la France) et une année (`annee`, pour le recensement et le compagnonnage).

    Réponses : 200 ; 400 si un filtre est invalide (`errors` donne le motif par paramètre, en français) ;
    404 si la figure n’existe pas.
    """
    spec = catalogue.FIGURES.get(figure_id)
    if spec is None:
        return Status(404, {"detail": _("Cette figure n’existe pas.")})
    params = {
        name: value
        for name, value in (
            ("region", region),
            ("departement", departement),
            ("epci", epci),
            ("annee", annee),
        )
        if value
    }
    form, filters = filters_from(params)
    if filters is None:
        errors = [
            {"parameter": name, "in": "query", "type": "invalid", "message": str(message)}
            for name, messages in form.errors.items()
            for message in messages
        ]
        return Status(400, {"detail": str(INVALID), "errors": errors})
    return Status(200, figure_payload(spec.build(Observatory(filters)), filters))
