"""API of the follow-up, in OpenAPI at /api/v1/docs: `/api/v1/subventions` (public), the signed funding
agreements in the national schema for subsidies (SCDL « subventions » 2.1.1), field names as in the schema."""

from __future__ import annotations

from ninja import Field, Query, Router, Schema

from . import scdl

router = Router(tags=["Subventions (SCDL)"])


class SubsidyOut(Schema):
    nomAttribuant: str = Field(description="Nom officiel de l’attribuant")
    idAttribuant: str = Field(description="SIRET de l’attribuant (14 chiffres)")
    dateConvention: str = Field(description="Date de la convention (AAAA-MM-JJ)")
    referenceDecision: str = Field(description="Référence de la décision (numéro du dossier)")
    nomBeneficiaire: str
    idBeneficiaire: str = Field(description="SIRET du bénéficiaire")
    rnaBeneficiaire: str = Field(description="Numéro RNA du bénéficiaire (associations)")
    objet: str
    montant: str = Field(description="Montant total après avenants (€, séparateur décimal : point)")
    nature: str
    conditionsVersement: str
    datesPeriodeVersement: str = Field(description="Période AAAA-MM-JJ/AAAA-MM-JJ")
    idRAE: str
    notificationUE: str = Field(description="oui / non")
    pourcentageSubvention: str
    dispositifAide: str


@router.get("", response=list[SubsidyOut], summary="Subventions attribuées (SCDL)")
def subsidies(
    request, annee: int | None = Query(None, ge=2000, le=2100, description="Année de la convention")
):
    """One row per signed agreement (its amount after amendments); schema: /donnees/subventions/schema.json."""
    return scdl.rows(year=annee)
