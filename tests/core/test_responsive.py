"""At 320 px (and 390 px), no page of the platform scrolls sideways: the main pages of every role, with their
folded panels opened, screenshotted and checked (document.scrollingElement.scrollWidth <= innerWidth)."""

from __future__ import annotations

import pytest

from tests.conftest import _user_with_role, sign_in
from tests.factories.calls import (
    ApplicationFactory,
    CallFactory,
    EnvelopeFactory,
    QuestionFactory,
    WaveFactory,
)
from tests.factories.diagnostic import small_geography
from tierslieux.accounts.roles import Role
from tierslieux.places.services import place_add_manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC = [
    "/",
    "/lieux/",
    "/territoires/",
    "/territoires/commune/29001/",
    "/territoires/departement/29/",
    "/territoires/region/53/",
    "/territoires/epci/242900001/",
    "/diagnostic/",
    "/diagnostic/departement/29/",
    "/appels/",
    "/appels/laureats/",
    "/api/v1/docs",
    "/accessibilite/",
    "/donnees/",
    "/a-propos/",
    "/lieux/contribuer/proposer/",
    "/comptes/inscription/",
    "/comptes/connexion/",
]
OPEN_PANELS = "document.querySelectorAll('details').forEach(d => d.open = true)"


@pytest.fixture
def world(db):
    geography = small_geography()
    staff = _user_with_role(Role.PROGRAMME_STAFF, email="equipe-resp@example.org")
    applicant = _user_with_role(Role.APPLICANT, email="porteur-resp@example.org")
    call = CallFactory(title="Fabriques de territoire", slug="fabriques", staff=[staff])
    EnvelopeFactory(call=call, name="Hors grands centres urbains", code="hors-gcu")
    WaveFactory(call=call, name="Vague 1")
    QuestionFactory(
        call=call, label="Le lieu est-il déjà ouvert au public ?", kind="choice", choices=["Oui", "Non"]
    )
    place = geography.open_place
    place_add_manager(place=place, user=applicant)
    draft = ApplicationFactory(call=call, wave=call.waves.get(), applicant=applicant, place=place)
    return {"geography": geography, "staff": staff, "applicant": applicant, "call": call, "draft": draft}


def check(page, url: str, shots) -> None:
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_load_state("load")
    page.evaluate(OPEN_PANELS)
    page.wait_for_timeout(150)
    page.screenshot(
        path=str(shots / (url.strip("/").replace("/", "_") or "accueil")) + ".png", full_page=True
    )
    width, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{url} scrolls sideways: {width} px for {inner} px"


@pytest.mark.parametrize("width", [320, 390])
def test_no_page_scrolls_sideways_on_a_small_screen(browser, live_server, world, tmp_path, width):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 740}, locale="fr-FR"
    )
    page = context.new_page()
    try:
        for url in [
            *PUBLIC,
            world["geography"].open_place.get_absolute_url(),
            f"/appels/{world['call'].slug}/",
        ]:
            check(page, url, tmp_path)
        draft = world["draft"]
        sign_in(page, world["applicant"])
        for url in [
            "/appels/mes-dossiers/",
            f"/appels/dossiers/{draft.pk}/",
            *[f"/appels/dossiers/{draft.pk}/etape/{step}/" for step in range(1, 6)],
            "/comptes/profil/",
            "/lieux/contribuer/mes-contributions/",
            f"/lieux/{world['geography'].open_place.slug}/modifier/",
            f"/lieux/{world['geography'].open_place.slug}/photos/",
        ]:
            check(page, url, tmp_path)
        page.context.clear_cookies()
        sign_in(page, world["staff"])
        for url in [
            "/a-traiter/",
            "/appels/gestion/",
            f"/appels/gestion/{world['call'].pk}/",
            f"/appels/gestion/{world['call'].pk}/instruction/",
            "/lieux/moderation/",
            "/lieux/import/",
            f"/selection/vague/{world['call'].waves.get().pk}/",
        ]:
            check(page, url, tmp_path)
        assert len(list(tmp_path.glob("*.png"))) >= 30
    finally:
        context.close()


SPACING = (
    "* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }"
    " p { margin-bottom: 2em !important; }"
)


def test_text_spacing_can_be_redefined_without_loss(browser, live_server, world):
    """WCAG 1.4.12 / RGAA 10.12: with the user's text spacing, nothing overflows at 320 px nor at 1280 px."""
    for width in (320, 1280):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 800}, locale="fr-FR"
        )
        page = context.new_page()
        try:
            for url in PUBLIC:
                page.goto(url)
                # A constructed stylesheet (CSSOM), as a user style would be: the page's Content-Security-Policy
                # refuses the inline <style> that add_style_tag would insert.
                page.evaluate(
                    """(css) => { const sheet = new CSSStyleSheet(); sheet.replaceSync(css);
                         document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]; }""",
                    SPACING,
                )
                page.wait_for_timeout(50)
                scroll, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
                assert scroll <= inner, f"{url} at {width} px: {scroll} px wide with the text spacing"
        finally:
            context.close()


def test_todo_page_is_accessible(page, world):
    from tests.conftest import assert_accessible

    sign_in(page, world["staff"])
    page.get_by_role("link", name="À traiter").click()
    page.wait_for_url("**/a-traiter/")
    assert page.get_by_role("heading", name="Contributions à modérer").count() == 1
    assert_accessible(page)
