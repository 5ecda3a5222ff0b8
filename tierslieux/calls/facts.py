"""The Django adapter of `tierslieux.calls.eligibility`: builds Facts, Rules and envelopes from the database."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from . import eligibility
from .models import Application, Call, Status


def funding_rules(call: Call) -> eligibility.FundingRules:
    return eligibility.FundingRules(
        min_total=call.min_total_amount,
        max_total=call.max_total_amount,
        max_per_year=call.max_per_year,
        years=call.years,
    )


def requested_per_year(application: Application) -> tuple[int, ...]:
    years = application.call.years
    values = ((application.budget or {}).get("resources") or {}).get("requested") or []
    amounts = []
    for index in range(years):
        try:
            amounts.append(int(values[index]))
        except (IndexError, TypeError, ValueError):
            amounts.append(0)
    return tuple(amounts)


def _months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (1 if end.day < start.day else 0)


def _territory_has_label(application: Application, **lookup) -> bool:
    from tierslieux.places.models import Place
    from tierslieux.places.selectors import fabrique_rows

    places = Place.objects.filter(**lookup)
    if application.place_id:
        places = places.exclude(pk=application.place_id)
    if next(fabrique_rows(places, "pk"), None):
        return True
    accepted = Application.objects.filter(
        status=Status.ACCEPTED, **{f"place__{k}": v for k, v in lookup.items()}
    )
    if application.place_id:
        accepted = accepted.exclude(place_id=application.place_id)
    return accepted.exists()


def located_qpv(place):
    """The QPV containing the place, by point-in-polygon, once the QPV perimeters are loaded (None when the
    perimeters are not loaded, the place's location is approximate, or it is in no QPV)."""
    from tierslieux.geo import lookup
    from tierslieux.geo.models import Qpv

    if place is None or getattr(place, "location_approximate", False) or not lookup.qpv_perimeters_loaded():
        return None
    code = lookup.qpv_at(place.lon, place.lat)
    return Qpv.objects.filter(pk=code).first() if code else None


def _qpv_facts(application: Application) -> tuple[str, bool]:
    """(name of the QPV, confirmed?): the QPV declared by the applicant (confirmed by staff, or by the
    perimeters when they agree), else the QPV found by point-in-polygon (exact: confirmed)."""
    located = located_qpv(application.place)
    if application.qpv_id:
        confirmed = application.qpv_confirmed_at is not None or (
            located is not None and located.pk == application.qpv_id
        )
        return application.qpv.name, confirmed
    if located is not None:
        return located.name, True
    return "", False


def application_facts(application: Application) -> eligibility.Facts:
    place = application.place
    funding = funding_rules(application.call)
    amounts = requested_per_year(application)
    if place is None:
        return eligibility.Facts(requested_per_year=amounts, funding=funding)
    commune = place.commune
    epci = commune.epci
    qpv_name, qpv_confirmed = _qpv_facts(application)
    months_open = None
    if place.status != "project" and place.opening_date:
        months_open = max(0, _months_between(place.opening_date, timezone.localdate()))
    return eligibility.Facts(
        commune_name=commune.name,
        density_level=commune.density_level,
        population=commune.population,
        metropole_member=bool(epci and epci.kind == "ME"),
        petite_ville_de_demain=commune.petite_ville_de_demain,
        coeur_de_ville=commune.coeur_de_ville,
        qpv_name=qpv_name,
        qpv_confirmed=qpv_confirmed,
        department_name=commune.department.name,
        epci_name=epci.name if epci else "",
        department_has_labelled_place=_territory_has_label(
            application, commune__department_id=commune.department_id
        ),
        epci_has_labelled_place=bool(epci) and _territory_has_label(application, commune__epci_id=epci.pk),
        legal_form=place.legal_form,
        months_open=months_open,
        requested_per_year=amounts,
        funding=funding,
    )


def call_rules(call: Call, wave=None) -> list[eligibility.Rule]:
    rules = []
    for rule in call.rules.prefetch_related("envelopes"):
        if rule.wave_id and (wave is None or rule.wave_id != wave.pk):
            continue
        codes = tuple(envelope.code for envelope in rule.envelopes.all())
        rules.append(eligibility.Rule(rule.name, rule.kind, rule.params or {}, codes))
    return rules


def call_envelopes(call: Call) -> list[eligibility.EnvelopeRef]:
    return [eligibility.EnvelopeRef(e.code, e.name) for e in call.envelopes.all()]


def application_eligibility(application: Application) -> eligibility.EligibilityResult:
    """Which envelopes `application` may compete in, and why (French explanations)."""
    call = application.call
    return eligibility.evaluate(
        application_facts(application), call_rules(call, application.wave), call_envelopes(call)
    )
