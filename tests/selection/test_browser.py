"""The scenario page in Chromium: set the parameters, run (progress polled with htmx), read the results, the
table and the comparison, save, propose to the committee. axe-core on every page."""

import re

import pytest
from django.urls import reverse

from tests.conftest import assert_accessible
from tests.factories.selection import selection_world
from tierslieux.selection import computing, services
from tierslieux.selection.models import ReplayStatus, Run, RunStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_set_parameters_run_read_results_save_and_propose(page, login, programme_staff):
    world = selection_world(staff=programme_staff)
    login(programme_staff)
    page.goto(reverse("calls:committee", args=[world.wave.pk]))
    page.get_by_role("link", name="Proposer une sélection").click()
    page.wait_for_url(f"**{reverse('selection:wave', args=[world.wave.pk])}")
    assert_accessible(page)
    page.get_by_label("λ : points de note cédés pour couvrir 10 000 habitants de plus").fill("10")
    page.get_by_label("Rayon de couverture R (km)").fill("10")
    page.locator("label[for=id_one_per_epci]").click()
    page.get_by_role("button", name="Lancer le calcul").click()
    page.get_by_role("heading", name="Comparaison avec le classement par note").wait_for()
    run = Run.objects.get()
    assert run.status == RunStatus.DONE and run.parameters["one_per_epci"] is True
    assert "optimum prouvé" in page.locator("#figures").inner_text()
    table = page.locator("#dossiers")
    assert table.locator("tbody tr").count() == 5

    def row(reference):
        return table.locator("tbody tr").filter(has=page.locator("th", has_text=reference))

    selected = row("SEL-003")
    assert "Oui" in selected.inner_text() and "Hors grands centres urbains" in selected.inner_text()
    left_out = row("SEL-001").inner_text()
    assert "Non" in left_out and "Retenu" in left_out  # the rank-by-score baseline takes it
    comparison = page.locator("#comparaison").inner_text()
    # One per EPCI: the baseline takes SEL-001 then SEL-003 (SEL-002 shares SEL-001's EPCI).
    assert re.search(r"Population nouvellement couverte\t20\D?000\t8\D?000", comparison), comparison
    assert "seulement\tSEL-004" in comparison and "seulement\tSEL-001" in comparison
    assert page.locator("svg.tl-chart").count() == 1
    page.locator("#carte-selection[data-tl-map-ready]").wait_for()
    # Readable without tiles: the commune outlines of the departments of the target communes are drawn.
    assert "/territoires/contours/communes/" in page.locator("#carte-selection").get_attribute(
        "data-context-url"
    )
    assert (
        page.locator("#carte-selection .tl-map-skip, .tl-map-skip[href='#carte-selection-fin']").count() == 1
    )
    assert_accessible(page)

    page.get_by_label("Nom du scénario").fill("Couverture d’abord")
    page.get_by_role("button", name="Enregistrer le scénario").click()
    page.get_by_role("button", name="Proposer au comité").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Rejouer").click()
    page.get_by_text("Résultat identique").wait_for()
    # A replay still queued: the page says so and polls until the background task has written its report.
    Run.objects.filter(pk=run.pk).update(
        replay_status=ReplayStatus.REQUESTED, replay_requested_at=run.created_at, replayed_at=None
    )
    page.reload()
    page.get_by_text("Rejeu demandé le").wait_for()
    assert page.get_by_role("button", name="Rejouer").count() == 0
    assert_accessible(page)
    computing.run_replay_execute(run_id=run.pk)
    page.get_by_text("Résultat identique").wait_for(timeout=15_000)
    page.get_by_role("button", name="Proposer au comité").click()
    page.wait_for_url(f"**{reverse('calls:committee', args=[world.wave.pk])}")
    proposals = page.locator("#propositions").inner_text()
    assert proposals.count("proposé par le scénario Couverture d’abord") == 2
    assert_accessible(page)


def test_progress_is_polled_until_the_results_show(page, login, programme_staff, settings):
    world = selection_world(staff=programme_staff)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    run = services.run_start(wave=world.wave, actor=programme_staff, parameters=_defaults(world))
    login(programme_staff)
    page.goto(reverse("selection:run", args=[run.pk]))
    assert "En attente" in page.locator("#run-status").inner_text()
    assert_accessible(page)
    computing.run_execute(run_id=run.pk)  # the worker runs it; htmx notices within a second and reloads
    page.get_by_role("heading", name="Dossiers").wait_for()
    assert "Terminé" in page.locator("#run-status").inner_text()
    assert_accessible(page)


def test_infeasible_settings_are_explained(page, login, programme_staff):
    world = selection_world(staff=programme_staff)
    login(programme_staff)
    page.goto(reverse("selection:wave", args=[world.wave.pk]))
    page.get_by_label("Au moins k lauréats par région").fill("3")
    page.get_by_role("button", name="Lancer le calcul").click()
    page.get_by_role("heading", name="Aucune sélection possible avec ces réglages").wait_for()
    assert "3 lauréats pour 2 places" in page.content()
    assert_accessible(page)


def test_two_saved_scenarios_compared_side_by_side(page, login, programme_staff):
    world = selection_world(staff=programme_staff)
    for name, points in (("Note d’abord", 0.0), ("Couverture d’abord", 10.0)):
        run = services.run_start(
            wave=world.wave, actor=programme_staff, parameters={**_defaults(world), "points_per_10k": points}
        )
        services.scenario_save(run=Run.objects.get(pk=run.pk), actor=programme_staff, name=name)
    login(programme_staff)
    page.goto(reverse("selection:wave", args=[world.wave.pk]))
    page.get_by_label("Scénario A").select_option(label="Note d’abord")
    page.get_by_label("Scénario B").select_option(label="Couverture d’abord")
    page.get_by_role("button", name="Comparer").click()
    page.locator("#selections").wait_for()
    selections = page.locator("#selections").inner_text()
    assert "SEL-001" in selections and "SEL-004" in selections and "différent" in selections
    assert_accessible(page)


def _defaults(world):
    from tierslieux.selection import selectors

    return selectors.default_parameters(world.wave)
