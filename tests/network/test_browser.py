"""Browser journeys of the network (headless Chromium, axe-core on every page): publish an offer and see the
match; publish a recurring event and find it in the month view and in the place's feed; a mentoring request
to a running pairing; and every other page of the network."""

import datetime as dt
import re

import icalendar
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.conftest import assert_accessible
from tests.factories.files import png_bytes
from tests.geo.combobox_helpers import pick_commune
from tests.network.test_offers import data
from tierslieux.network import services
from tierslieux.network.models import Event, Listing, Pairing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page):
    with page.expect_navigation():
        page.get_by_role("button", name="Se déconnecter").click()


def until(days=60):
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def test_publish_an_offer_and_see_the_match(page, login, forge, place_manager, plain_user, brest, mailbox):
    need = services.listing_save(
        user=plain_user,
        data={
            "side": "need",
            "kind": "equipment",
            "category": "fabrication",
            "title": "Cherche une découpeuse laser",
            "commune": brest,
            "radius_km": 30,
            "terms": "exchange",
            "valid_until": timezone.localdate() + dt.timedelta(days=30),
        },
    )
    services.listing_publish(listing=need, user=plain_user)
    login(place_manager)
    page.goto("/reseau/")
    assert_accessible(page)
    page.get_by_role("link", name="Je propose").first.click()
    page.wait_for_url("**/reseau/annonces/nouvelle/?side=offer")
    assert_accessible(page)
    page.locator("#id_kind").select_option("equipment")
    page.locator("#id_category").select_option("fabrication")
    page.locator("#id_title").fill("Découpeuse laser le mercredi")
    page.locator("#id_description").fill("Une **découpeuse** laser 60 W.")
    page.locator("#id_place").select_option(label="La Forge")
    page.locator("#id_radius_km").fill("25")
    page.locator("#id_valid_until").fill(until())
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.wait_for_url("**/reseau/annonces/*/")
    assert "Brouillon" in page.locator("#listing-status").text_content()
    assert "Cherche une découpeuse laser" in page.locator("#matches").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Publier").click()
    page.wait_for_load_state()
    assert "Publiée" in page.locator("#listing-status").text_content()
    assert "1 correspondance" in page.content()
    assert_accessible(page)
    offer = Listing.objects.get(title="Découpeuse laser le mercredi")
    assert offer.status == "published"
    mailbox.wait_for("personne@example.org")
    # The other side sees the offer among its matches and writes through the platform.
    logout(page)
    login(plain_user)
    page.goto(need.get_absolute_url())
    page.get_by_role("link", name="Découpeuse laser le mercredi").click()
    page.get_by_role("link", name="Écrire à l’auteur").click()
    assert_accessible(page)
    page.locator("#id_message").fill("Bonjour, je passerais bien mercredi prochain.")
    page.get_by_role("button", name="Envoyer le message").click()
    page.wait_for_url(f"**{offer.get_absolute_url()}")
    message = next(
        m for m in mailbox.wait_for("gestionnaire@example.org", 2) if "mercredi prochain" in mailbox.text(m)
    )
    assert message["Reply-To"] == "personne@example.org"


def test_publish_a_recurring_event_and_see_it_in_the_calendar_and_the_feed(page, login, forge, place_manager):
    login(place_manager)
    page.goto(forge.get_absolute_url())
    page.get_by_role("link", name="Gérer les événements du lieu").click()
    page.wait_for_url("**/evenements/lieux/la-forge/")
    assert_accessible(page)
    page.get_by_role("link", name="Nouvel événement").click()
    assert_accessible(page)
    today = timezone.localdate()
    first = today + dt.timedelta(days=(1 - today.weekday()) % 7 or 7)
    page.locator("#id_title").fill("Open lab du mardi")
    page.locator("#id_category").select_option("open_lab")
    page.locator("#id_start").fill(f"{first:%Y-%m-%d}T18:00")
    page.locator("#id_end").fill(f"{first:%Y-%m-%d}T21:00")
    page.locator("#id_frequency").select_option("WEEKLY")
    page.locator("input[name=weekdays][value=TU]").check(force=True)
    page.locator("#id_count").fill("6")
    page.locator("#id_exdates").fill(f"{first + dt.timedelta(days=7):%d/%m/%Y}")
    page.get_by_role("button", name="Publier l’événement").click()
    page.wait_for_url("**/evenements/*-open-lab-du-mardi/")
    assert page.locator("#event-dates li").count() == 5
    assert_accessible(page)
    page.goto(f"/evenements/mois/{first.year}/{first.month}/")
    assert "Open lab du mardi" in page.locator("table").inner_text()
    assert_accessible(page)
    page.goto("/evenements/")
    assert "Open lab du mardi" in page.locator("#occurrences").inner_text()
    assert_accessible(page)
    feed = page.request.get("/evenements/lieux/la-forge.ics")
    calendar = icalendar.Calendar.from_ical(feed.body())
    vevent = next(e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "Open lab du mardi")
    assert vevent["RRULE"]["COUNT"] == [6] and str(vevent["UID"]) == Event.objects.get().uid


def test_a_mentoring_request_to_a_pairing(page, login, forge, projet, place_manager, applicant):
    login(place_manager)
    page.goto("/reseau/compagnonnage/")
    assert_accessible(page)
    page.get_by_role("link", name="Accompagner avec La Forge").click()
    assert_accessible(page)
    page.locator("input[name=themes][value=financements]").check(force=True)
    page.locator("input[name=themes][value=gouvernance]").check(force=True)
    page.locator("#id_travel_km").fill("120")
    page.get_by_role("button", name="Enregistrer l’offre").click()
    page.wait_for_url("**/reseau/compagnonnage/")
    assert "La Forge" in page.locator("table").inner_text()
    logout(page)

    login(applicant)
    page.goto("/reseau/compagnonnage/demander/")
    assert_accessible(page)
    page.locator("#id_project_title").fill("Le tiers-lieu de Quimper")
    page.locator("#id_place").select_option(label="Le Projet")
    page.locator("input[name=themes][value=financements]").check(force=True)
    page.locator("#id_message").fill("Nous montons nos demandes de financement.")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url("**/compagnonnage/demandes/*/")
    assert_accessible(page)
    page.get_by_role("button", name="Demander à La Forge").click()
    page.wait_for_url("**/compagnonnage/*/")
    assert "Proposé" in page.locator("#pairing-status").text_content()
    assert_accessible(page)
    logout(page)

    login(place_manager)
    pairing = Pairing.objects.get()
    page.goto(pairing.get_absolute_url())
    page.get_by_role("button", name="Accepter l’accompagnement").click()
    page.wait_for_load_state()
    assert "En cours" in page.locator("#pairing-status").text_content()
    page.locator("#id_date").fill(timezone.localdate().isoformat())
    page.locator("#id_topic").fill("Plan de financement")
    page.get_by_role("button", name="Ajouter au journal").click()
    page.wait_for_load_state()
    assert "Plan de financement" in page.locator("table").inner_text()
    assert_accessible(page)
    page.goto(forge.get_absolute_url())
    assert "Accompagne « Le tiers-lieu de Quimper »" in page.locator("#place-network").inner_text()
    assert_accessible(page)


def test_every_other_page_is_accessible(
    page, login, forge, place_manager, plain_user, programme_staff, brest
):
    offer = services.listing_save(
        user=place_manager,
        data={
            "side": "offer",
            "kind": "space",
            "category": "salle_reunion",
            "title": "Salle de réunion",
            "place": forge,
            "radius_km": 20,
            "terms": "price",
            "capacity": 12,
            "price_min": 20,
            "price_max": 60,
            "valid_until": timezone.localdate() + dt.timedelta(days=30),
        },
    )
    services.listing_publish(listing=offer, user=place_manager)
    services.listing_report(listing=offer, user=plain_user, reason="wrong")
    services.profile_save(
        user=plain_user,
        data={"is_public": True, "skills": ["animation"], "commune": brest, "notify_matches": True},
    )
    start = dt.datetime.combine(timezone.localdate() + dt.timedelta(days=3), dt.time(10))
    event = services.event_save(
        user=place_manager,
        place=forge,
        data={
            "title": "Repair café",
            "category": "repair_cafe",
            "time_zone": "Europe/Paris",
            "start": start,
            "end": start + dt.timedelta(hours=2),
            "attendance": "mixed",
            "online_url": "https://visio.example.org/r",
            "at_place": True,
            "is_free": False,
            "price": "2 €",
            "image": SimpleUploadedFile("a.png", png_bytes()),
            "image_alt": "Des outils sur une table",
        },
    )
    resource = services.resource_create(
        user=place_manager,
        data={"title": "Guide de la gouvernance", "kind": "guide", "licence": "CC-BY-4.0", "version": "1.0"},
        link="https://exemple.fr/guide",
    )
    public = [
        "/reseau/",
        "/reseau/autour-de-moi/",
        "/reseau/autour-de-moi/?around=Brest&radius=50",
        f"/reseau/personnes/{plain_user.pk}/",
        "/reseau/ressources/",
        resource.get_absolute_url(),
        "/evenements/",
        "/evenements/mois/",
        event.get_absolute_url(),
        offer.get_absolute_url(),
        forge.get_absolute_url(),
        "/reseau/compagnonnage/",
    ]
    for url in public:
        page.goto(url)
        assert_accessible(page)
    login(plain_user)
    for url in [
        "/reseau/mon-reseau/",
        "/reseau/mon-profil/",
        f"/reseau/annonces/{offer.pk}/ecrire/",
        f"/reseau/annonces/{offer.pk}/signaler/",
        f"/reseau/personnes/{plain_user.pk}/",
    ]:
        page.goto(url)
        assert_accessible(page)
    logout(page)
    login(place_manager)
    for url in [
        f"/reseau/annonces/{offer.pk}/modifier/",
        f"/evenements/{event.pk}/modifier/",
        "/reseau/ressources/partager/",
        f"/reseau/ressources/{resource.slug}/version/",
        f"/reseau/personnes/{plain_user.pk}/ecrire/",
        "/reseau/mon-reseau/",
    ]:
        page.goto(url)
        assert_accessible(page)
    logout(page)
    login(programme_staff)
    page.goto("/reseau/moderation/")
    assert "Salle de réunion" in page.locator("table").inner_text()
    assert_accessible(page)


def test_around_a_commune_picked_in_the_autocomplete_with_the_keyboard(
    page, forge, place_manager, two_saint_pierre
):
    services.listing_publish(
        listing=services.listing_save(user=place_manager, data=data(place=forge)), user=place_manager
    )
    page.goto("/reseau/autour-de-moi/")
    box = page.get_by_role("combobox", name="Commune ou code postal")
    # The second Saint-Pierre, the less populated, beside Brest.
    pick_commune(page, box, "saint-p", option="Finistère", position=2, count=2)
    assert box.input_value() == "Saint-Pierre (29)" and box.get_attribute("aria-expanded") == "false"
    page.get_by_label("Rayon (km)").fill("10")
    page.get_by_label("Rayon (km)").press("Enter")  # submits the search
    page.wait_for_url("**around_insee=29999**")
    assert "Découpe laser à prêter" in page.locator("#around-listings").locator("xpath=..").inner_text()
    assert_accessible(page)
    # The same combobox in the filters of the offers and needs.
    page.goto("/reseau/?around=Saint-Pierre&radius=10")
    assert "Découpe laser à prêter" not in page.locator("main").inner_text()  # the name alone: beside Lyon
    box = page.get_by_role("combobox", name="Autour de (commune ou code postal)")
    box.fill("")
    pick_commune(page, box, "saint-p", option="Finistère", position=2, count=2)
    box.press("Enter")  # the list is closed: Enter submits the filters
    page.wait_for_url("**around_insee=29999**")
    assert "Découpe laser à prêter" in page.locator("main").inner_text()
    assert_accessible(page)


def test_a_listing_commune_picked_in_the_autocomplete_with_the_keyboard(
    page, login, plain_user, two_saint_pierre
):
    login(plain_user)
    page.goto("/reseau/annonces/nouvelle/?side=need")
    page.locator("#id_kind").select_option("equipment")
    page.locator("#id_category").select_option("fabrication")
    page.locator("#id_title").fill("Cherche une découpeuse laser")
    page.locator("#id_valid_until").fill(until())
    box = page.get_by_role("combobox", name=re.compile("^Commune ou code postal"))
    # A name two communes bear, typed without choosing: refused, with what was typed kept.
    box.press_sequentially("Saint-Pierre", delay=30)
    page.get_by_role("listbox", name="Communes proposées").get_by_role("option").first.wait_for()
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    with page.expect_navigation():
        box.press("Enter")  # the list is closed: Enter submits the form
    assert "Plusieurs communes s’appellent « Saint-Pierre »" in page.locator("main").inner_text()
    box = page.get_by_role("combobox", name=re.compile("^Commune ou code postal"))
    assert box.input_value() == "Saint-Pierre" and page.locator("#id_title").input_value() != ""
    assert_accessible(page)
    # The one beside Brest, chosen in the list.
    box.fill("")
    pick_commune(page, box, "saint-p", option="Finistère", position=2, count=2)
    assert box.input_value() == "Saint-Pierre (29)"
    with page.expect_navigation():
        box.press("Enter")
    page.wait_for_url("**/reseau/annonces/*/")
    listing = Listing.objects.get()
    assert listing.commune_id == "29999" and listing.title == "Cherche une découpeuse laser"
    assert_accessible(page)
