"""The review journey in Chromium: staff assign two reviewers, both declare and score, the committee decides,
the applicant receives the decision email over SMTP, the laureate appears in the public list. axe-core on every
page."""

import re

import pytest
from django.urls import reverse

from tests.calls.reviewkit import make_world, user_with
from tests.conftest import assert_accessible
from tierslieux.accounts.roles import Role
from tierslieux.calls.models import Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _switch(page, login, user):
    page.context.clear_cookies()
    login(user)


def test_assign_score_decide_publish(page, login, mailbox):
    world = make_world(reviewers=2, staff_email="equipe-appel@example.org")
    applicant = user_with(Role.APPLICANT, email="porteuse@example.org")
    application = world.application(
        status=Status.SUBMITTED,
        applicant=applicant,
        project_description="Un atelier partagé et une cantine solidaire.",
    )
    first, second = world.reviewers

    # Staff assign two reviewers from the file's review page.
    login(world.staff)
    page.goto(reverse("calls:staff_list", args=[world.call.pk]))
    assert_accessible(page)
    page.get_by_role("link", name=application.reference).click()
    page.wait_for_url(f"**{reverse('calls:review_file', args=[application.pk])}")
    assert_accessible(page)
    for reviewer in (first, second):
        page.locator("#id_reviewer").select_option(str(reviewer.pk))
        page.get_by_role("button", name="Affecter", exact=True).click()
        page.wait_for_url(f"**{reverse('calls:review_file', args=[application.pk])}")
        assert reviewer.display_name in page.content()
    assert_accessible(page)
    assert mailbox.wait_for(first.email) and mailbox.wait_for(second.email)

    # Each reviewer declares no conflict and scores the grid.
    for reviewer, notes in ((first, ("5", "4")), (second, ("4", "3"))):
        _switch(page, login, reviewer)
        page.goto(reverse("calls:reviewer_home"))
        assert_accessible(page)
        page.get_by_role("link", name=application.reference).click()
        assert_accessible(page)
        page.get_by_text("Non, je n’ai aucun lien").click()
        page.get_by_role("button", name="Enregistrer ma déclaration").click()
        page.get_by_role("heading", name="Votre évaluation").wait_for()
        assert "atelier partagé" in page.content()
        assert_accessible(page)
        for criterion, value in zip(world.criteria, notes, strict=True):
            page.get_by_label(f"{criterion.name} — note").select_option(value)
            page.get_by_label(f"{criterion.name} — commentaire").fill(f"Commentaire sur {criterion.name}")
        page.get_by_label("Avis général").fill("Dossier solide.")
        page.get_by_role("button", name="Rendre l’évaluation").click()
        page.get_by_text("Votre évaluation est rendue.").wait_for()
        assert_accessible(page)
    assert len(mailbox.wait_for("equipe-appel@example.org", count=2)) == 2

    # The committee decides.
    _switch(page, login, world.staff)
    page.goto(reverse("calls:committee", args=[world.wave.pk]))
    assert_accessible(page)
    assert "4,17" in page.content() or "4.17" in page.content()  # ((10+4)/3 + (8+3)/3) / 2
    page.get_by_role("link", name=f"Décider pour {application.reference}").click()
    assert_accessible(page)
    page.get_by_text("Accepté", exact=True).click()
    page.get_by_label("Montant accordé, année 1 (€)").fill("50000")
    page.get_by_label("Montant accordé, année 2 (€)").fill("45000")
    page.get_by_label("Montant accordé, année 3 (€)").fill("60000")
    page.get_by_role("button", name="Enregistrer la décision").click()
    page.get_by_text(re.compile(r"Au plus 50\D?000 € par an")).wait_for()
    assert_accessible(page)
    page.get_by_label("Montant accordé, année 3 (€)").fill("40000")
    page.get_by_role("button", name="Enregistrer la décision").click()
    page.wait_for_url(f"**{reverse('calls:committee', args=[world.wave.pk])}")
    assert "135" in page.content()
    [decision_email] = mailbox.wait_for(applicant.email)
    assert "retenu" in decision_email["Subject"]
    assert "135" in mailbox.text(decision_email)
    page.get_by_role("button", name="Publier les lauréats").click()
    page.get_by_text("1 lauréat publié.").wait_for()
    assert_accessible(page)

    # Anyone sees the laureate in the public list.
    page.context.clear_cookies()
    page.goto(reverse("calls:laureates"))
    assert application.place.name in page.content()
    assert applicant.email not in page.content()
    assert_accessible(page)


def test_staff_side_pages_are_accessible(page, login):
    from tests.calls.reviewkit import scored
    from tierslieux.calls.models import ConflictOfInterest, ReviewerAssignment

    world = make_world(reviewers=3)
    files = [world.application(status=Status.SUBMITTED) for _ in range(2)]
    reviewed = world.application()
    scored(reviewed, world.reviewers[0], [5, 1])
    scored(reviewed, world.reviewers[1], [1, 1])
    conflicted = ReviewerAssignment.objects.create(application=reviewed, reviewer=world.reviewers[2])
    ConflictOfInterest.objects.create(assignment=conflicted, has_conflict=True)
    login(world.staff)
    page.goto(reverse("calls:wave_assignments", args=[world.wave.pk]))
    assert all(f.reference in page.content() for f in files)
    assert_accessible(page)
    page.locator("label[for=id_avoid_same_department]").click()
    page.get_by_role("button", name="Recalculer la proposition").click()
    page.wait_for_url("**avoid_same_department=on**")
    assert_accessible(page)
    page.get_by_role("button", name="Appliquer la proposition").click()
    page.get_by_text("4 affectations créées.").wait_for()
    assert_accessible(page)
    page.goto(reverse("calls:review_file", args=[reviewed.pk]))
    assert page.locator("#disagreement").is_visible()
    assert_accessible(page)
    page.goto(reverse("calls:wave_statistics", args=[world.wave.pk]))
    assert_accessible(page)
    page.goto(reverse("calls:reviewers"))
    assert_accessible(page)
    page.goto(reverse("calls:staff_list", args=[world.call.pk]) + "?min_score=9")
    page.get_by_text("Filtres invalides").wait_for()
    assert_accessible(page)
    page.context.clear_cookies()
    login(world.reviewers[2])
    page.goto(reverse("calls:review_assignment", args=[conflicted.pk]))
    assert reviewed.project_title not in page.content()
    assert_accessible(page)
