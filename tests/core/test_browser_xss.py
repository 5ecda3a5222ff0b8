"""Stored XSS, end to end: a script payload is planted in every free-text field that any account can set
(place names and descriptions, contributions, profile names, dossier answers, messages, reviews, staff notes),
then every page that shows it is visited in Chromium with the real Content-Security-Policy, by every role,
maps included (a tooltip and a popup opened). No script may run and no CSP violation may be reported — an
unescaped payload would either run or be blocked by the CSP, and both fail the test — and the payload must
be visible as text (so the test is not vacuous)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.calls.reviewkit import scored, user_with
from tests.factories.contributions import (
    ClaimFactory,
    ContactMessageFactory,
    ErrorReportFactory,
    ProposalFactory,
)
from tests.factories.places import PlaceFactory
from tests.factories.selection import selection_world
from tierslieux.accounts.roles import Role

pytestmark = pytest.mark.browser

PAYLOAD = (
    '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
    '<svg onload="window.__xss=3"></svg>"\'><b onmouseover=alert(4)>gras</b>'
)
SHORT = "<img src=x onerror=window.__xss=5>"
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sample || ""));
});
"""


@pytest.fixture
def planted(transactional_db, django_capture_on_commit_callbacks):
    """A wave under review whose every free text is the payload, and one person per role."""
    from tierslieux.accounts.models import User
    from tierslieux.calls.models import Message, StaffNote
    from tierslieux.places.models import Place
    from tierslieux.selection import selectors, services

    staff = user_with(Role.PROGRAMME_STAFF)
    world = selection_world(staff=staff)
    application = next(iter(world.applications.values()))
    reviewer = user_with(Role.REVIEWER)
    review = scored(application, reviewer, [3, 4], submit=True)
    review.comment = PAYLOAD
    review.save()
    manager = user_with(Role.PLACE_MANAGER)
    application.place.managers.add(manager)
    # A place alone on the map (the others share their commune's point and stay a cluster at any zoom).
    lonely = PlaceFactory(name="Seul", commune=application.place.commune, lon=-3.0, lat=47.5)
    Place.objects.update(name=PAYLOAD, short_description=PAYLOAD, description=PAYLOAD, address=PAYLOAD[:200])
    User.objects.update(first_name=PAYLOAD[:150], last_name=SHORT, organisation=PAYLOAD[:200])
    world.call.applications.update(
        project_title=PAYLOAD[:200],
        summary=PAYLOAD,
        project_description=PAYLOAD,
        activities=PAYLOAD,
        partners=PAYLOAD,
        governance=PAYLOAD,
    )
    Message.objects.create(application=application, author=application.applicant, body=PAYLOAD)
    StaffNote.objects.create(application=application, author=staff, body=PAYLOAD)
    place = application.place
    contributions = {
        "proposal": ProposalFactory(data={"name": PAYLOAD, "description": PAYLOAD, "lon": -4.4, "lat": 48.4}),
        "report": ErrorReportFactory(place=place, message=PAYLOAD),
        "claim": ClaimFactory(place=place, author=user_with(None, first_name=PAYLOAD[:150]), message=PAYLOAD),
        "contact": ContactMessageFactory(place=place, sender_name=PAYLOAD[:150], message=PAYLOAD),
    }
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_start(
            wave=world.wave, actor=staff, parameters=selectors.default_parameters(world.wave)
        )
    return {
        "world": world,
        "application": application,
        "place": Place.objects.get(pk=place.pk),
        "lonely": Place.objects.get(pk=lonely.pk),
        "run": run,
        "review": review,
        "contributions": contributions,
        "people": {
            "applicant": application.applicant,
            "reviewer": reviewer,
            "place_manager": manager,
            "staff": staff,
            "administrator": user_with(Role.ADMINISTRATOR, is_superuser=True, is_staff=True),
        },
    }


class Visit:
    def __init__(self, page):
        self.page = page
        self.reports: list[str] = []
        self.dialogs: list[str] = []
        page.add_init_script(WATCH)
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on(
            "request",
            lambda request: self.reports.append(request.url) if "/securite/csp/" in request.url else None,
        )

    def check(self, url: str, *, shown: bool = True) -> None:
        page = self.page
        page.goto(url)
        page.wait_for_load_state("load")
        self.assert_clean(url)
        if shown:
            assert "onerror=" in page.evaluate("document.body.innerText"), (
                f"the payload is not shown on {url}"
            )

    def assert_clean(self, where: str) -> None:
        page = self.page
        page.wait_for_timeout(50)
        ran = page.evaluate("window.__xss")
        violations = page.evaluate("window.__csp")
        assert ran is None, f"a planted script ran on {where}: {ran}"
        assert not violations, f"CSP violations on {where}: {violations}"
        assert not self.dialogs, f"a planted script opened a dialog on {where}: {self.dialogs}"
        assert not self.reports, f"CSP reports sent from {where}: {self.reports}"


def test_planted_scripts_never_run_for_anyone(page, login, planted):
    visit = Visit(page)
    application, place, run = planted["application"], planted["place"], planted["run"]
    world, people, contributions = planted["world"], planted["people"], planted["contributions"]

    # Anonymous visitors: the place page, the atlas list and its map popup.
    visit.check(place.get_absolute_url())
    visit.check(reverse("places:atlas"))
    page.locator("#atlas-map .leaflet-interactive").first.wait_for()
    # Zoom in on one place, as a visitor would, until it is a marker of its own rather than a cluster.
    page.evaluate(
        "([lat, lon]) => document.getElementById('atlas-map').tlMap.setView([lat, lon], 16)",
        [planted["lonely"].lat, planted["lonely"].lon],
    )
    page.locator("#atlas-map .tl-place-marker").first.wait_for()
    page.locator("#atlas-map .tl-place-marker").first.click(force=True)
    popup = page.locator("#atlas-map .leaflet-popup-content")
    popup.wait_for()
    page.wait_for_function(
        "() => document.querySelector('#atlas-map .leaflet-popup-content').textContent.includes('onerror=')"
    )
    visit.assert_clean("the atlas map popup")

    # The applicant: the dossier, its messages, the profile.
    login(people["applicant"])
    for url in (
        reverse("calls:application", args=[application.pk]),
        reverse("calls:application_messages", args=[application.pk]),
    ):
        visit.check(url)
    visit.check(reverse("accounts:profile"), shown=False)  # the names are in the form's fields
    assert page.get_by_label("Prénom").input_value() == PAYLOAD[:150]
    page.context.clear_cookies()

    # The place manager: the edit page and the history of the place.
    login(people["place_manager"])
    visit.check(reverse("contributions:edit", args=[place.slug]), shown=False)
    assert PAYLOAD[:40] in page.locator("#id_name").input_value()
    visit.check(reverse("places:history", args=[place.slug]))
    page.context.clear_cookies()

    # The reviewer: the assignment page (the dossier and their own review).
    login(people["reviewer"])
    visit.check(reverse("calls:review_assignment", args=[planted["review"].assignment.pk]))
    page.context.clear_cookies()

    # Programme staff: moderation, the dossier and its staff side, the committee, the optimiser run and its map.
    login(people["staff"])
    for url in (
        reverse("contributions:moderation"),
        reverse("contributions:moderation_proposal", args=[contributions["proposal"].pk]),
        reverse("contributions:moderation_report", args=[contributions["report"].pk]),
        reverse("contributions:moderation_claim", args=[contributions["claim"].pk]),
        reverse("contributions:moderation_contact", args=[contributions["contact"].pk]),
        reverse("calls:application", args=[application.pk]),
        reverse("calls:application_messages", args=[application.pk]),
        reverse("calls:review_file", args=[application.pk]),
        reverse("calls:call_applications", args=[world.call.pk]),
        reverse("calls:staff_list", args=[world.call.pk]),
        reverse("calls:committee", args=[world.wave.pk]),
        reverse("calls:wave_assignments", args=[world.wave.pk]),
        reverse("selection:run", args=[run.pk]),
    ):
        visit.check(url)
    page.locator("#carte-selection[data-tl-map-ready]").wait_for()
    markers = page.locator("#carte-selection path.leaflet-interactive")
    for index in range(min(markers.count(), 6)):
        markers.nth(index).hover(force=True)
        page.wait_for_timeout(50)
    tooltip = page.locator("#carte-selection .leaflet-tooltip")
    tooltip.first.wait_for()
    assert "onerror=" in " ".join(tooltip.all_text_contents())
    visit.assert_clean("the optimiser run map tooltips")
    page.context.clear_cookies()

    # An administrator: the same names in the admin's lists.
    login(people["administrator"])
    for url in (
        reverse("admin:accounts_user_changelist"),
        reverse("admin:calls_application_change", args=[application.pk]),
        reverse("admin:place_contributions_contactmessage_change", args=[contributions["contact"].pk]),
    ):
        visit.check(url)
