"""How the follow-up plugs into the layers below it, which never import it (called by `FollowupConfig.ready`):

- the committee's acceptance creates the draft agreement (`calls.review.committee.ACCEPTANCE_HOOKS`);
- a laureate's place page shows its label and the amounts granted and paid (`places.extensions`);
- a person's data export and erasure cover their reports and census answers (`accounts.personal_data`).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from tierslieux.accounts import personal_data
from tierslieux.calls.review import committee
from tierslieux.places import extensions


def place_section(request, place):
    """Public: the label of a published laureate and the amounts granted and paid."""
    from . import selectors

    grants = selectors.place_public_grants(place)
    if not grants:
        return None
    return extensions.PlaceSection(
        template="followup/_place_grants.html",
        context={"grants": grants},
        badges=tuple(grant.label for grant in grants),
    )


def export_person(user) -> dict:
    from .models import AnnualReport, CensusAnswer

    return {
        "rapports_deposes": [
            {"convention": r.agreement.reference, "annee": r.year, "depose_le": r.submitted_at.isoformat()}
            for r in AnnualReport.objects.filter(submitted_by=user).select_related("agreement")
            if r.submitted_at
        ],
        "reponses_recensement": [
            {"recensement": a.campaign.year, "lieu": a.place.name, "repondu_le": a.answered_at.isoformat()}
            for a in CensusAnswer.objects.filter(answered_by=user).select_related("campaign", "place")
        ],
    }


def erase_person(user) -> None:
    """Reports and census answers are kept (public grants, statistics) without their author."""
    from .models import AnnualReport, CensusAnswer

    AnnualReport.objects.filter(submitted_by=user).update(submitted_by=None)
    CensusAnswer.objects.filter(answered_by=user).update(answered_by=None)


def install() -> None:
    from .services.agreements import agreement_create_on_acceptance

    if agreement_create_on_acceptance not in committee.ACCEPTANCE_HOOKS:
        committee.ACCEPTANCE_HOOKS.append(agreement_create_on_acceptance)
    extensions.register_place_section(place_section)
    personal_data.register(
        "followup",
        label=gettext_noop("Suivi des conventions et recensements"),
        export=export_person,
        erase=erase_person,
    )
