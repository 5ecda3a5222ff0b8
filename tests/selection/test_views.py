"""Pages of the selection optimiser: permissions per role, bad input, results, exports, comparison, committee."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tierslieux.calls.models import Status
from tierslieux.selection import computing, services
from tierslieux.selection.models import ProposedDecision, Run

pytestmark = pytest.mark.django_db

ROLES_REFUSED = ["plain_user", "place_manager", "applicant", "reviewer"]


def form_data(params, **changes):
    data = {k: ("" if v is None else v) for k, v in params.items() if k != "envelopes"}
    for code, seats in params["envelopes"].items():
        data[f"envelope_{code}"] = "" if seats is None else seats
    for flag in ("one_per_epci", "unlabelled_departments"):
        if not data.get(flag):
            data.pop(flag, None)
    data.update(changes)
    return data


def urls(world, run):
    return [
        f"/selection/vague/{world.wave.pk}/",
        f"/selection/vague/{world.wave.pk}/comparer/",
        f"/selection/calcul/{run.pk}/",
        f"/selection/calcul/{run.pk}/etat/",
        f"/selection/calcul/{run.pk}/export.csv",
        f"/selection/calcul/{run.pk}/export.xlsx",
    ]


def test_anonymous_is_sent_to_login(client_for, world, done_run):
    for url in urls(world, done_run):
        response = client_for(None).get(url)
        assert response.status_code == 302 and "/comptes/connexion/" in response["Location"], url


@pytest.mark.parametrize("role", ROLES_REFUSED)
def test_other_roles_are_refused(request, client_for, world, done_run, role):
    client = client_for(request.getfixturevalue(role))
    for url in urls(world, done_run):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "réservés à l’équipe du programme" in response.content.decode()
    for action in ("enregistrer", "rejouer", "proposer"):
        assert client.post(f"/selection/calcul/{done_run.pk}/{action}/", {"name": "x"}).status_code == 403
    assert client.post(f"/selection/vague/{world.wave.pk}/", {}).status_code == 403
    assert not Run.objects.exclude(pk=done_run.pk).exists()


@pytest.mark.parametrize("who", ["programme_staff", "administrator", "outsider"])
def test_programme_staff_read_every_page(request, client_for, world, done_run, who):
    client = client_for(request.getfixturevalue(who))
    for url in urls(world, done_run):
        assert client.get(url).status_code == 200, url


def test_staff_outside_the_team_cannot_write(client_for, world, params, done_run, outsider):
    client = client_for(outsider)
    page = client.get(f"/selection/vague/{world.wave.pk}/").content.decode()
    assert "Lancer le calcul" not in page
    response = client.post(f"/selection/vague/{world.wave.pk}/", form_data(params))
    assert response.status_code == 403
    assert client.post(f"/selection/calcul/{done_run.pk}/enregistrer/", {"name": "A"}).status_code == 403
    assert client.post(f"/selection/calcul/{done_run.pk}/rejouer/").status_code == 403
    assert client.post(f"/selection/calcul/{done_run.pk}/proposer/").status_code == 403
    assert Run.objects.count() == 1 and not ProposedDecision.objects.exists()


def test_replaying_or_proposing_a_run_not_ready_is_a_409(
    client_for, world, params, done_run, programme_staff
):
    client = client_for(programme_staff)
    unsaved = client.post(f"/selection/calcul/{done_run.pk}/proposer/")
    assert unsaved.status_code == 409 and "Enregistrez d’abord le calcul" in unsaved.content.decode()
    pending = Run.objects.create(wave=world.wave, parameters=params, created_by=world.staff)
    unfinished = client.post(f"/selection/calcul/{pending.pk}/rejouer/")
    assert (
        unfinished.status_code == 409
        and "Seul un calcul terminé peut être rejoué." in unfinished.content.decode()
    )
    assert not ProposedDecision.objects.exists()


def test_unknown_wave_or_run_is_404(client_for, world, programme_staff):
    client = client_for(programme_staff)
    assert client.get("/selection/vague/999999/").status_code == 404
    assert client.get("/selection/calcul/999999/").status_code == 404


def test_form_shows_defaults(client_for, world, programme_staff):
    page = client_for(programme_staff).get(f"/selection/vague/{world.wave.pk}/").content.decode()
    assert "points de note cédés pour couvrir 10 000 habitants" in page
    assert 'name="points_per_10k"' in page and 'value="0.1"' in page
    assert 'name="envelope_hors-gcu"' in page and 'value="150"' in page
    assert "5 dossiers en instruction" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"points_per_10k": "-1"}, "supérieure ou égale à 0"),
        ({"points_per_10k": "beaucoup"}, "Saisissez un nombre"),
        ({"radius_km": "0"}, "supérieure ou égale à 1"),
        ({"time_limit_s": "100000"}, "inférieure ou égale à 600"),
        (
            {"min_per_department": "3", "max_per_department": "1"},
            "Le minimum par département dépasse le maximum",
        ),
    ],
)
def test_bad_input_is_refused_in_french_and_kept(
    client_for, world, params, programme_staff, changes, message
):
    response = client_for(programme_staff).post(
        f"/selection/vague/{world.wave.pk}/", form_data(params, **changes)
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    for value in changes.values():
        assert f'value="{value}"' in page
    assert not Run.objects.exists()


def test_run_from_the_page_then_results(
    client_for, world, params, programme_staff, django_capture_on_commit_callbacks
):
    client = client_for(programme_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/selection/vague/{world.wave.pk}/", form_data(params, points_per_10k="10"))
    run = Run.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/selection/calcul/{run.pk}/"
    assert run.parameters["points_per_10k"] == 10.0
    assert run.parameters["envelopes"] == {"hors-gcu": 150, "qpv": 120}
    page = client.get(response["Location"]).content.decode()
    assert "optimum prouvé" in page
    assert "Comparaison avec le classement par note" in page
    assert 'id="dossiers"' in page and "SEL-003" in page
    assert "<svg" in page and 'id="arbitrage"' in page
    assert 'id="selection-geojson"' in page and "Restées en zone blanche" in page
    assert "HiGHS" in page


def test_status_fragment_polls_until_done(client_for, world, params, programme_staff):
    run = services.run_start(wave=world.wave, actor=programme_staff, parameters=params)  # not executed yet
    client = client_for(programme_staff)
    page = client.get(f"/selection/calcul/{run.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page and "En attente" in page
    fragment = client.get(f"/selection/calcul/{run.pk}/etat/?polling=1", HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in fragment
    computing.run_execute(run_id=run.pk)
    fragment = client.get(f"/selection/calcul/{run.pk}/etat/?polling=1", HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true"
    assert "every 1s" not in fragment.content.decode()


def test_infeasible_page_is_a_french_explanation(
    client_for, world, params, programme_staff, django_capture_on_commit_callbacks
):
    client = client_for(programme_staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/selection/vague/{world.wave.pk}/", form_data(params, min_per_region="3"))
    response = client.get(f"/selection/calcul/{Run.objects.get().pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Aucune sélection possible avec ces réglages" in page
    assert "3 lauréats pour 2 places" in page


def test_exports(client_for, programme_staff, done_run):
    client = client_for(programme_staff)
    response = client.get(f"/selection/calcul/{done_run.pk}/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("dossier;projet;tiers_lieu")
    by_ref = {line.split(";")[0]: line.split(";") for line in lines[1:]}
    assert by_ref["SEL-003"][7] == "oui" and by_ref["SEL-003"][8] == "Hors grands centres urbains"
    assert by_ref["SEL-001"][7] == "non" and by_ref["SEL-001"][11]
    assert "@" not in response.content.decode()  # nobody's email
    response = client.get(f"/selection/calcul/{done_run.pk}/export.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["Dossiers"].values)
    assert rows[0][0] == "dossier" and len(rows) == 6
    figures = dict(book["Scénario"].values)
    assert figures["population_nouvellement_couverte"] == 20_000


def test_export_of_an_unfinished_run_is_409(client_for, world, params, programme_staff):
    run = services.run_start(wave=world.wave, actor=programme_staff, parameters=params)
    assert client_for(programme_staff).get(f"/selection/calcul/{run.pk}/export.csv").status_code == 409


def test_save_replay_compare_and_propose(
    client_for, world, params, programme_staff, done_run, django_capture_on_commit_callbacks
):
    client = client_for(programme_staff)
    response = client.post(f"/selection/calcul/{done_run.pk}/enregistrer/", {"name": ""})
    assert response.status_code == 400 and "Ce champ est obligatoire" in response.content.decode()
    assert (
        client.post(f"/selection/calcul/{done_run.pk}/enregistrer/", {"name": "Couverture"}).status_code
        == 302
    )
    # The replay runs in the background (after commit): the page says so and polls until the report is there.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/selection/calcul/{done_run.pk}/rejouer/", follow=True)
        pending = response.content.decode()
        assert "Rejeu demandé le" in pending and 'hx-trigger="every 2s"' in pending
        assert ">Rejouer</button>" not in pending
    replayed = client.get(f"/selection/calcul/{done_run.pk}/").content.decode()
    assert "Résultat identique" in replayed and 'hx-trigger="every 2s"' not in replayed
    with django_capture_on_commit_callbacks(execute=True):
        other = services.run_start(
            wave=world.wave, actor=programme_staff, parameters={**params, "points_per_10k": 0.0}
        )
    other.refresh_from_db()
    response = client.post(f"/selection/calcul/{other.pk}/enregistrer/", {"name": "couverture"})
    assert response.status_code == 400
    assert "existe déjà" in response.content.decode() and 'value="couverture"' in response.content.decode()
    services.scenario_save(run=other, actor=programme_staff, name="Note seule")
    page = client.get(f"/selection/vague/{world.wave.pk}/").content.decode()
    assert "Couverture" in page and "Note seule" in page
    response = client.get(f"/selection/vague/{world.wave.pk}/comparer/", {"a": done_run.pk, "b": other.pk})
    page = response.content.decode()
    assert 'id="selections"' in page and "SEL-001" in page and "SEL-003" in page and "différent" in page
    assert (
        client.get(
            f"/selection/vague/{world.wave.pk}/comparer/", {"a": done_run.pk, "b": done_run.pk}
        ).status_code
        == 400
    )
    assert (
        client.get(f"/selection/vague/{world.wave.pk}/comparer/", {"a": "x", "b": "999"}).status_code == 400
    )
    response = client.post(f"/selection/calcul/{done_run.pk}/proposer/")
    assert response.status_code == 302
    assert response["Location"] == reverse("calls:committee", args=[world.wave.pk])
    committee = client.get(response["Location"]).content.decode()
    assert "Proposer une sélection" in committee
    assert committee.count("proposé par le scénario") == 2
    assert "Couverture" in committee
    assert set(world.wave.applications.values_list("status", flat=True)) == {Status.IN_REVIEW}


def test_committee_page_links_to_the_optimiser(client_for, world, programme_staff):
    page = client_for(programme_staff).get(reverse("calls:committee", args=[world.wave.pk])).content.decode()
    assert f'href="/selection/vague/{world.wave.pk}/"' in page
    assert "proposé par le scénario" not in page


def test_admin_is_read_only(client_for, administrator, done_run):
    client = client_for(administrator)
    assert client.get("/admin/selection/run/").status_code == 200
    assert client.get(f"/admin/selection/run/{done_run.pk}/change/").status_code == 200
    assert client.get("/admin/selection/run/add/").status_code == 403


def test_run_page_names_its_existing_network_and_one_status_label(client_for, programme_staff, done_run):
    page = client_for(programme_staff).get(f"/selection/calcul/{done_run.pk}/").content.decode()
    assert "Réseau existant : Le réseau labellisé" in page and "1 lieu, plus les lieux des lauréats" in page
    assert (
        "Couverture</strong> : une commune est couverte quand un des lieux comptés se trouve à moins de 10 km"
        in page
    )
    assert "/diagnostic/?statut=open&amp;statut=project&amp;statut=temporarily_closed&amp;label=" in page
    assert "Déjà couvertes par le réseau existant" in page
    assert "Terminé — Terminé" not in page and "Terminé</strong> —" not in page
    # The optimum is proven: no reason says otherwise.
    assert "optimum prouvé" in page and "prouvée optimale" not in page and "point(s)" not in page


def test_the_network_choice_is_in_the_form_and_kept(
    client_for, world, params, programme_staff, django_capture_on_commit_callbacks
):
    client = client_for(programme_staff)
    form = client.get(f"/selection/vague/{world.wave.pk}/").content.decode()
    assert "Réseau existant" in form and "Tout l’atlas" in form
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/selection/vague/{world.wave.pk}/", form_data(params, existing_network="atlas"))
    run = Run.objects.get()
    assert run.parameters["existing_network"] == "atlas"
    page = client.get(f"/selection/calcul/{run.pk}/").content.decode()
    assert "Réseau existant : Tout l’atlas" in page and 'href="/diagnostic/"' in page
    bad = client.post(f"/selection/vague/{world.wave.pk}/", form_data(params, existing_network="autre"))
    assert bad.status_code == 400
