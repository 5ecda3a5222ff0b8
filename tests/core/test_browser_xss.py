"""Stored XSS, end to end: a script payload is planted in every free-text field that any account can set
(place names and descriptions, contributions, profile names, dossier answers, messages, reviews, staff notes;
the network's listings, public profiles, events, resources, companion offers, mentoring requests and meeting
notes, abuse reports; comments, signed in and anonymous, their names and websites; articles for editors; the
texts of annual reports, the title and message of a census campaign — census answers have no free text),
then every page that shows it is visited in Chromium with the real Content-Security-Policy, by every role,
maps included (a tooltip and a popup opened; the events map shows no text). No script may run and no CSP violation may be reported — an
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
    marker = page.locator("#atlas-map .tl-marker:has(.tl-place-dot)").first
    marker.wait_for()
    marker.click(force=True)
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


# --- The network, the news and the follow-up -------------------------------------------------------------
WEBSITE = 'https://exemple.fr/"><script>window.__xss=6</script>'


@pytest.fixture
def planted_apps(transactional_db):
    """A laureate's place (its first report's texts are the payload, its agreement amended for a payload
    reason) that runs in the network — a listing and public profile of `author`, an event, a resource, a
    companion offer, the project of `applicant` paired with it and a meeting, a report — and an article
    linking it with comments (signed in, anonymous, awaiting confirmation); every free text, place and person
    name is the payload."""
    from tests.factories.followup import followup_world
    from tests.factories.network import network_world
    from tests.factories.news import CommentFactory, news_world
    from tierslieux.accounts.models import User
    from tierslieux.calls.review.committee import laureates_publish
    from tierslieux.followup.models import CensusCampaign
    from tierslieux.news.models import Article, Comment
    from tierslieux.places.models import Place

    staff, manager, applicant = (
        user_with(Role.PROGRAMME_STAFF),
        user_with(Role.PLACE_MANAGER),
        user_with(Role.APPLICANT),
    )
    author, reporter, editor = user_with(None), user_with(None), user_with(Role.EDITOR)
    followup = followup_world(staff=staff, manager=manager, applicant=applicant, narrative=PAYLOAD)
    laureate = followup["laureate"]
    laureates_publish(wave=laureate.application.wave, actor=staff)
    place = laureate.place
    network = network_world(
        place=place,
        manager=manager,
        author=author,
        project_manager=applicant,
        reporter=reporter,
        text=PAYLOAD,
    )
    news = news_world(editor=editor, commenter=author, text=PAYLOAD)
    article = news["article"]
    Article.objects.filter(pk=article.pk).update(
        title=PAYLOAD[:200], standfirst=PAYLOAD, body=PAYLOAD, cover_alt=PAYLOAD[:200]
    )
    article.places.add(place)
    Comment.objects.filter(article=article).update(author_name=PAYLOAD[:100], website=WEBSITE)
    anonymous = CommentFactory(article=article, author_name=PAYLOAD[:100], body=PAYLOAD, website=WEBSITE)
    Place.objects.update(name=PAYLOAD, short_description=PAYLOAD, description=PAYLOAD, address=PAYLOAD[:200])
    User.objects.update(first_name=PAYLOAD[:150], last_name=SHORT, organisation=PAYLOAD[:200])
    CensusCampaign.objects.filter(pk=followup["campaign"].pk).update(title=PAYLOAD[:200], message=PAYLOAD)
    return {
        "place": Place.objects.get(pk=place.pk),
        "followup": followup,
        "network": network,
        "news": news,
        "article": Article.objects.get(pk=article.pk),
        "anonymous_comment": anonymous,
        "people": {
            "author": author,
            "manager": manager,
            "applicant": applicant,
            "staff": staff,
            "editor": editor,
            "administrator": user_with(Role.ADMINISTRATOR, is_superuser=True, is_staff=True),
        },
    }


def test_planted_scripts_of_the_network_news_and_follow_up_never_run(page, login, planted_apps):
    visit = Visit(page)
    place, network, news = planted_apps["place"], planted_apps["network"], planted_apps["news"]
    followup, article, people = planted_apps["followup"], planted_apps["article"], planted_apps["people"]
    event, listing, resource = network.event, network.listing, network.resource
    agreement, report = followup["agreement"], followup["report"]
    start = event.starts_at

    # Anonymous visitors: the network's public pages, the calendar and its map, the news and their comments,
    # the census link, the place page (its network, follow-up and news sections), the laureates map.
    for url in (
        place.get_absolute_url(),
        reverse("network:index"),
        listing.get_absolute_url(),
        network.profile.get_absolute_url(),
        f"{reverse('network:around')}?lat={place.lat}&lon={place.lon}&radius=100",
        reverse("network:resources"),
        resource.get_absolute_url(),
        reverse("network:mentoring"),
        reverse("events:month_of", args=[start.year, start.month]),
        event.get_absolute_url(),
        reverse("news:list"),
        article.get_absolute_url(),
        reverse("news:tag", args=[news["tag"].slug]),
        reverse("news:comment_report", args=[planted_apps["anonymous_comment"].pk]),
        reverse("news:comment_confirm", args=[news["waiting"].pk, news["token"]]),
        reverse("followup:census_answer", args=[followup["token"]]),
    ):
        visit.check(url)
    visit.check(reverse("events:list"))
    page.locator("#events-map[data-tl-map-ready]").wait_for()
    visit.assert_clean("the events map")
    visit.check(reverse("calls:laureates"))
    page.locator("#laureates-map[data-laureates-count='1']").wait_for()
    markers = page.locator("#laureates-map path.leaflet-interactive")
    for index in range(markers.count()):
        markers.nth(index).hover(force=True)
        page.wait_for_timeout(50)
    tooltip = page.locator("#laureates-map .leaflet-tooltip")
    tooltip.first.wait_for()
    assert "onerror=" in " ".join(tooltip.all_text_contents())
    visit.assert_clean("the laureates map tooltips")

    # The author of the listing and profile: their network page and their forms.
    login(people["author"])
    visit.check(reverse("network:mine"))
    visit.check(reverse("network:listing_edit", args=[listing.pk]), shown=False)  # the texts are in fields
    assert "onerror=" in page.locator("#id_title").input_value()
    visit.check(reverse("network:profile"), shown=False)
    assert "onerror=" in page.locator("#id_bio").input_value()
    page.context.clear_cookies()

    # The manager of the place: the network, its events and calendars, the pairing, the follow-up.
    login(people["manager"])
    for url in (
        reverse("network:mine"),
        reverse("events:place", args=[place.slug]),
        network.pairing.get_absolute_url(),
        reverse("followup:my_places"),
        reverse("followup:place", args=[place.slug]),
        agreement.get_absolute_url(),
        report.get_absolute_url(),
    ):
        visit.check(url)
    page.context.clear_cookies()

    # The project: its mentoring request and pairing.
    login(people["applicant"])
    visit.check(network.request.get_absolute_url())
    visit.check(network.pairing.get_absolute_url())
    page.context.clear_cookies()

    # Programme staff: the network's moderation, mentoring, the follow-up's staff pages, the comments' queue.
    login(people["staff"])
    for url in (
        reverse("network:moderation"),
        network.request.get_absolute_url(),
        network.pairing.get_absolute_url(),
        reverse("followup:dashboard"),
        agreement.get_absolute_url(),
        report.get_absolute_url(),
        reverse("followup:campaign", args=[followup["campaign"].pk]),
        f"{reverse('news:moderation')}?file=approved",
    ):
        visit.check(url)
    page.context.clear_cookies()

    # An editor: the articles and the comments they moderate.
    login(people["editor"])
    for url in (reverse("news:manage"), f"{reverse('news:moderation')}?file=approved"):
        visit.check(url)
    visit.check(reverse("news:edit", args=[article.pk]), shown=False)
    assert "onerror=" in page.locator("#id_body").input_value()
    page.context.clear_cookies()

    # An administrator: the same texts in the admin.
    login(people["administrator"])
    for url in (
        reverse("admin:network_listing_changelist"),
        reverse("admin:network_event_change", args=[event.pk]),
        reverse("admin:news_comment_changelist"),
        reverse("admin:followup_annualreport_change", args=[report.pk]),
    ):
        visit.check(url)
