"""Two tabs (or devices) editing the same review: the second save gets the conflict page with both versions,
keeps what was typed, and saves only when sent again (optimistic versioning; calls/review/services.py)."""

import re

import pytest
from django.urls import reverse

from tests.calls.reviewkit import make_world
from tierslieux.calls.models import ConflictOfInterest, Review, ReviewerAssignment

pytestmark = pytest.mark.django_db


def _version(page: str) -> str:
    return re.search(r'name="version"(?: value="([^"]*)")?', page).group(1) or ""  # no value: empty


def test_the_second_save_of_a_review_shows_both_versions_and_loses_nothing(client_for):
    world = make_world()
    assignment = ReviewerAssignment.objects.create(
        application=world.application(), reviewer=world.reviewers[0]
    )
    ConflictOfInterest.objects.create(assignment=assignment, has_conflict=False)
    first, _second = world.criteria
    url = reverse("calls:review_assignment", args=[assignment.pk])
    tab_a, tab_b = client_for(world.reviewers[0]), client_for(world.reviewers[0])
    version_a = _version(tab_a.get(url).content.decode())
    version_b = _version(tab_b.get(url).content.decode())
    assert version_a == version_b == ""

    saved = tab_b.post(
        url, {f"score_{first.pk}": "2", "comment": "Avis écrit sur la tablette", "version": version_b}
    )
    assert saved.status_code == 302
    typed = {
        f"score_{first.pk}": "4",
        f"comment_{first.pk}": "Ancrage très solide",
        "comment": "Avis écrit sur l’ordinateur",
        "version": version_a,
    }
    conflict = tab_a.post(url, typed)
    assert conflict.status_code == 409
    page = conflict.content.decode()
    assert "Quelqu’un a enregistré une autre version" in page
    assert "Avis écrit sur la tablette" in page  # theirs
    assert page.count("Avis écrit sur l’ordinateur") >= 2  # yours, in the comparison and still in the form
    assert "Ancrage très solide" in page and "2 / 5" in page and "4 / 5" in page
    review = Review.objects.get(assignment=assignment)
    assert review.comment == "Avis écrit sur la tablette"  # nothing overwritten yet

    # The form now carries the saved version: sending it again is a deliberate choice, and it saves.
    rebased = _version(page)
    assert rebased == review.updated_at.isoformat()
    assert tab_a.post(url, typed | {"version": rebased}).status_code == 302
    review.refresh_from_db()
    assert review.comment == "Avis écrit sur l’ordinateur"
    assert review.scores.get(criterion=first).value == 4


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_two_tabs_saving_the_same_review_in_the_browser(page, login):
    """The same reviewer in two tabs: the second save shows both versions and keeps what was typed."""
    from tests.conftest import assert_accessible, submit_status

    world = make_world()
    assignment = ReviewerAssignment.objects.create(
        application=world.application(), reviewer=world.reviewers[0]
    )
    ConflictOfInterest.objects.create(assignment=assignment, has_conflict=False)
    url = reverse("calls:review_assignment", args=[assignment.pk])
    login(world.reviewers[0])
    page.goto(url)
    other = page.context.new_page()
    other.goto(url)
    other.locator("#id_comment").fill("Avis du premier onglet.")
    assert submit_status(other, "Enregistrer le brouillon") == 302
    other.close()

    page.locator("#id_comment").fill("Avis du second onglet, plus complet.")
    assert submit_status(page, "Enregistrer le brouillon") == 409
    comparison = page.get_by_role("table", name="Les deux versions, champ par champ").inner_text()
    assert "Avis du premier onglet." in comparison and "Avis du second onglet, plus complet." in comparison
    assert page.locator("#id_comment").input_value() == "Avis du second onglet, plus complet."
    assert_accessible(page)
    assert submit_status(page, "Enregistrer le brouillon") == 302
    assert Review.objects.get(assignment=assignment).comment == "Avis du second onglet, plus complet."
