"""Every figure of the observatory against a direct aggregation of the same rows of the database, for France, a
region, a department and an EPCI (table-driven), and the small-cell rule on reports, census and mentoring."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter

import pytest
from django.utils import timezone

from tests.factories.accounts import UserFactory
from tests.factories.geo import square_outline
from tierslieux.followup.models import CensusAnswer, CensusCampaign, CensusInvitation
from tierslieux.geo import lookup
from tierslieux.geo.diagnostic import selectors as diagnostic_selectors
from tierslieux.geo.models import Qpv
from tierslieux.geo.selectors import commune_classification, communes_classification
from tierslieux.network.models import MentoringRequest, MentorOffer, Pairing
from tierslieux.network.selectors.mentoring import mentoring_counts
from tierslieux.observatory import catalogue
from tierslieux.observatory.figures import MIN_CELL
from tierslieux.places.models import Place

from .conftest import BRETAGNE, CONCARNEAU_CA, PAYS_DE_LA_LOIRE, indicators, laureates_with_reports

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TERRITORIES = [("france", "FR"), ("region", BRETAGNE), ("departement", "29"), ("epci", CONCARNEAU_CA)]
FIELD = {"region": "commune__region_id", "departement": "commune__department_id", "epci": "commune__epci_id"}


def observatory(kind: str = "france", code: str = "FR", year: int | None = None):
    from tierslieux.observatory.selectors import Filters, Observatory

    territory = diagnostic_selectors.territory_get(kind, code)
    return Observatory(Filters(territory=territory, year=year))


def places_in(kind: str, code: str):
    places = Place.objects.select_related("commune__epci", "commune__parent")
    return places if kind == "france" else places.filter(**{FIELD[kind]: code})


def values(figure, column: str) -> dict:
    return {row.key: row.value(column) for row in figure.table.rows}


@pytest.mark.parametrize(("kind", "code"), TERRITORIES)
def test_place_figures_equal_a_direct_aggregation(world, kind, code):
    obs = observatory(kind, code)
    open_places = list(places_in(kind, code).filter(status="open"))
    total = len(open_places)
    assert total > 0

    types = catalogue.build("types", obs)
    direct = Counter(t for place in open_places for t in (place.types or [""]))
    assert values(types, "nombre") == dict(direct)
    assert values(types, "part") == {t: n / total for t, n in direct.items()}
    assert types.n == total

    classes = {p.pk: commune_classification(p.commune_id) for p in open_places}
    sizes = catalogue.build("taille-communes", obs)
    direct = Counter(c.size_class.value for c in classes.values())
    assert {k: v for k, v in values(sizes, "nombre").items() if v} == dict(direct)

    density = catalogue.build("densite", obs)
    direct = Counter(c.density_level for c in classes.values())
    assert {k: v for k, v in values(density, "nombre").items() if v} == dict(direct)

    where = catalogue.build("territoires", obs)
    assert values(where, "nombre") == {
        "hors_metropole": sum(1 for p in open_places if not (p.commune.epci and p.commune.epci.kind == "ME")),
        "qpv": sum(1 for p in open_places if Qpv.objects.filter(communes=p.commune).exists()),
        "pvd": sum(1 for p in open_places if p.commune.petite_ville_de_demain),
    }
    assert values(where, "part")["pvd"] == values(where, "nombre")["pvd"] / total


def test_fabriques_per_region_and_department_against_population(world):
    labelled = [
        p
        for p in Place.objects.exclude(status="closed").select_related("commune")
        if {"fabrique_territoire", "fabrique_numerique"} & set(p.labels)
    ]
    france = catalogue.build("fabriques", observatory())
    counts = Counter(p.commune.region_id for p in labelled)
    assert {k: v for k, v in values(france, "fabriques").items() if k != "FR"} == {
        BRETAGNE: counts[BRETAGNE],
        PAYS_DE_LA_LOIRE: counts[PAYS_DE_LA_LOIRE],
    }
    assert values(france, "population")[BRETAGNE] == 140_000 + 20_000 + 2_100 + 500 + 1_500
    assert values(france, "pour_100000")[BRETAGNE] == pytest.approx(3 * 100_000 / 164_100)
    assert values(france, "fabriques")["FR"] == 3  # the closed "Ancien atelier" does not count
    assert france.links[BRETAGNE] == f"/observatoire/?region={BRETAGNE}"

    bretagne = catalogue.build("fabriques", observatory("region", BRETAGNE))
    assert values(bretagne, "fabriques") == {"29": 2, "56": 1, BRETAGNE: 3}
    assert bretagne.row_header == "Département" and bretagne.links["29"] == "/observatoire/?departement=29"
    finistere = catalogue.build("fabriques", observatory("departement", "29"))
    assert values(finistere, "fabriques") == {"242900314": 0, CONCARNEAU_CA: 2, "29": 2}


def test_a_laureate_is_a_labelled_fabrique_and_a_point_of_the_series(world, mailbox):
    laureates_with_reports(world, [("44200", None)], start=dt.date(TODAY.year - 1, 1, 1), published=2025)
    france = catalogue.build("fabriques", observatory())
    assert values(france, "fabriques")[PAYS_DE_LA_LOIRE] == 1
    series = catalogue.build("serie", observatory())
    assert values(series, "lieux")["laureats-2025"] == 1
    assert values(series, "pvd")["laureats-2025"] == 1.0  # Campbon is a Petite ville de demain


def test_the_2019_census_beside_its_own_metropole_column(world):
    series = catalogue.build("serie", observatory())
    census = {row.key: row for row in series.table.rows}["recensement-2019"]
    assert census.values["lieux"] == 5 and census.values["hors_geographie"] == 0
    assert census.values["metropole"] == 3 / 5  # Brest ×2 and Nantes in our geography
    assert census.values["metropole_source"] == 4 / 5  # the file also counts Concarneau
    assert census.values["coworking"] == 3 / 5 and census.values["fablab"] == 1 / 5
    assert series.n == 5
    assert any(
        "4 lieux sur 5 dans une métropole selon la colonne du fichier, 3 sur 5" in n for n in series.notes
    )
    assert (
        "Concarneau (29039) : dans une métropole selon le fichier de 2019, pas selon notre géographie."
        in (series.notes)
    )
    atlas = {row.key: row for row in series.table.rows}["atlas"]
    assert atlas.values["lieux"] == Place.objects.filter(status="open").count()
    assert atlas.values["metropole_source"] is None
    bretagne = catalogue.build("serie", observatory("region", BRETAGNE))
    assert values(bretagne, "lieux")["recensement-2019"] == 3
    assert values(bretagne, "metropole_source")["recensement-2019"] == 1.0


def test_the_census_of_2019_loaded_before_its_metropole_column_says_so(world):
    from tierslieux.places.models import PlaceSourceRecord

    for record in PlaceSourceRecord.objects.filter(source="cget2019"):
        record.raw.pop("METRO")
        record.save()
    series = catalogue.build("serie", observatory())
    assert values(series, "metropole_source")["recensement-2019"] is None
    assert any("load_places" in note for note in series.notes)


def test_coverage_is_the_diagnostics(world):
    obs = observatory("departement", "29")
    figure = catalogue.build("couverture", obs)
    summary = diagnostic_selectors.territory_diagnostic(obs.filters.territory).summary
    assert values(figure, "part") == {
        f"{km:g}": s for km, s in zip(summary.rings_km, summary.share_within, strict=True)
    }
    assert figure.n == summary.commune_count == 4


def test_qpv_is_exact_once_the_perimeters_are_loaded(world):
    port = world.places["Coworking du port"]
    Qpv.objects.filter(code="QN029019M").update(perimeter=square_outline(port.lon, port.lat, 0.0004))
    lookup.invalidate()
    where = catalogue.build("territoires", observatory())
    assert values(where, "nombre")["qpv"] == 1  # the point of the port's coworking, nothing else


def test_bulk_classification_is_the_classification_of_each_commune(world):
    codes = [*world.communes, "99999"]
    bulk = communes_classification(codes)
    assert set(bulk) == set(world.communes)
    assert all(bulk[code] == commune_classification(code) for code in world.communes)


def test_report_indicators_with_n_response_rate_and_small_cells(world, mailbox):
    start = dt.date(TODAY.year - 2, 1, 1)
    plan = [(insee, indicators(k)) for k, insee in enumerate(["29019", "29039", "29100", "29200", "56001"])]
    plan += [("44109", indicators(5)), ("44200", indicators(6)), ("29019", None)]
    laureates_with_reports(world, plan, start=start, published=start.year)
    year = str(start.year)
    for figure_id, attribute in (
        ("emplois", "jobs_fte"),
        ("usagers", "users_per_month"),
        ("recettes", "revenue_total"),
        ("evenements", "events_held"),
    ):
        france = catalogue.build(figure_id, observatory())
        row = {r.key: r for r in france.table.rows}[year]
        known = [plan_indicators[attribute] for _insee, plan_indicators in plan if plan_indicators]
        assert row.values["n"] == 7 and row.values["acceptes"] == 7 and row.values["attendus"] == 8
        assert row.values["taux"] == 7 / 8
        assert row.value("somme") == sum(known) and row.value("mediane") == statistics.median(known)

        bretagne = {r.key: r for r in catalogue.build(figure_id, observatory("region", BRETAGNE)).table.rows}[
            year
        ]
        known = [ind[attribute] for insee, ind in plan if ind and insee[:2] in ("29", "56")]
        assert len(known) == MIN_CELL and bretagne.value("somme") == sum(known)
        assert bretagne.values["attendus"] == 6 and bretagne.values["taux"] == 5 / 6

        loire = catalogue.build(figure_id, observatory("region", PAYS_DE_LA_LOIRE))
        [row] = [r for r in loire.table.rows if r.key == year]
        assert row.values["n"] == 2 and row.hidden == {"somme", "mediane"}
        assert row.value("somme") is None and row.value("mediane") is None
        assert any("masquées" in note for note in loire.notes)


def test_no_report_yet(world):
    figure = catalogue.build("emplois", observatory())
    assert not figure.available and figure.table.rows == ()
    assert figure.notes == ("Aucun rapport annuel n’est encore attendu ni accepté dans ce territoire.",)


def census(world, answers: list[tuple[str, dict]], *, year: int):
    campaign = CensusCampaign.objects.create(
        year=year,
        title=f"Recensement {year}",
        closes_on=dt.date(year, 12, 31),
        status="open",
        opened_at=timezone.now(),
    )
    user = UserFactory()
    for name, data in answers:
        place = world.places[name]
        CensusInvitation.objects.create(campaign=campaign, place=place, sent_at=timezone.now(), recipients=1)
        if data is not None:
            CensusAnswer.objects.create(
                campaign=campaign,
                place=place,
                answered_by=user,
                channel="email",
                answered_at=timezone.now(),
                **({"still_open": True, "types": []} | data),
            )
    return campaign


CENSUS = [
    ("Coworking du port", {"surface_m2": 300, "users_per_month": 400, "legal_form": "association"}),
    ("Fablab de Brest", {"surface_m2": 120, "users_per_month": 90, "legal_form": "association"}),
    ("La Fabrique de Concarneau", {"surface_m2": 800, "users_per_month": 250, "legal_form": "scic"}),
    ("Tiers-lieu de Kerlouan", {"surface_m2": 60, "legal_form": "association", "still_open": False}),
    ("Ferme partagée", {"surface_m2": 2000, "users_per_month": 30, "legal_form": "association"}),
    ("Projet de Moréac", {"surface_m2": 150, "users_per_month": 10, "legal_form": "association"}),
    ("Cantine numérique", {"surface_m2": 500, "users_per_month": 600, "legal_form": "company"}),
    ("Atelier de Campbon", None),  # invited, did not answer
]


def test_census_figures_with_response_rate_and_small_cells(world):
    census(world, CENSUS, year=TODAY.year - 1)
    answered = [data for _name, data in CENSUS if data]
    obs = observatory(year=TODAY.year - 1)
    figure = catalogue.build("recensement", obs)
    surfaces = [d["surface_m2"] for d in answered]
    users = [d["users_per_month"] for d in answered if "users_per_month" in d]
    assert values(figure, "n") == {"surface_m2": 7, "users_per_month": 6, "jobs_fte": 0}
    assert values(figure, "somme")["surface_m2"] == sum(surfaces)
    assert values(figure, "mediane")["users_per_month"] == statistics.median(users)
    assert {r.key: r.hidden for r in figure.table.rows}["jobs_fte"] == {"somme", "mediane"}
    assert figure.notes == (
        f"Recensement {TODAY.year - 1} : 7 réponses pour 8 lieux invités (taux de réponse 87,5\u00a0%).",
    )

    forms = catalogue.build("recensement-formes", obs)
    assert values(forms, "nombre") == {"association": 5, "scic": None, "company": None}  # 1 and 1: hidden
    opened = catalogue.build("recensement-ouverture", obs)
    assert values(opened, "nombre") == {
        "ouvert": None,
        "ferme": None,
    }  # 1 closed, so 6 open would give it away

    loire = catalogue.build("recensement", observatory("region", PAYS_DE_LA_LOIRE, year=TODAY.year - 1))
    assert values(loire, "n")["surface_m2"] == 1 and values(loire, "somme")["surface_m2"] is None
    assert loire.notes[0].startswith(f"Recensement {TODAY.year - 1} : 1 réponse pour 2 lieux invités")


def test_census_of_a_year_without_campaign(world):
    census(world, CENSUS, year=TODAY.year - 1)
    figure = catalogue.build("recensement", observatory(year=TODAY.year - 3))
    assert not figure.available and figure.notes == (f"Aucun recensement n’a eu lieu en {TODAY.year - 3}.",)
    assert catalogue.build("recensement", observatory()).available  # the last census by default


def test_mentoring_counts_and_their_small_cells(world):
    mentor = MentorOffer.objects.create(place=world.places["Coworking du port"], capacity=2, travel_km=30)
    user = UserFactory()
    for k, (status, outcome) in enumerate([("active", ""), ("ended", "opened"), ("ended", "abandoned")]):
        request = MentoringRequest.objects.create(
            requester=user,
            project_title=f"Projet {k}",
            commune=world.communes["29100"],
            lon=-3.8,
            lat=47.95,
            message="Aide",
            status="paired",
        )
        Pairing.objects.create(
            mentor=mentor,
            request=request,
            status=status,
            outcome=outcome,
            started_on=dt.date(TODAY.year, 1, 2),
        )
    figure = catalogue.build("compagnonnage", observatory("region", BRETAGNE))
    counts = mentoring_counts(region=BRETAGNE)
    assert values(figure, "nombre")["binomes"] == counts["pairings"] == 3
    assert values(figure, "nombre")["termines"] == counts["ended"] == 2
    assert values(figure, "nombre")["issue_opened"] is None  # 2 ended: every outcome hidden
    assert values(figure, "nombre")["compagnons"] == counts["mentors"] == 1
    last_year = catalogue.build("compagnonnage", observatory("region", BRETAGNE, year=TODAY.year - 1))
    assert values(last_year, "nombre")["binomes"] == 0
    epci = catalogue.build("compagnonnage", observatory("epci", CONCARNEAU_CA))
    assert not epci.available and "par région et par département" in epci.notes[0]


def test_every_figure_is_built_for_every_territory(world):
    for kind, code in TERRITORIES:
        groups = catalogue.build_all(observatory(kind, code))
        built = [figure.id for _group, items in groups for figure in items]
        assert built == [spec.id for spec in catalogue.specs()] and len(built) == len(catalogue.FIGURES) == 15
