"""Offers and needs: validation (French 4xx, nothing written), per-account limits, lifecycle, matches emailed
to both sides once (opt-out respected), relay without addresses, reports and moderation, expiry job; each
page's permissions by role."""

import datetime as dt

import pytest
from django.utils import timezone

from tierslieux.core.errors import ServiceError
from tierslieux.core.jobs import run_job
from tierslieux.network import services
from tierslieux.network.models import AbuseReport, Listing, MatchNotice, NetworkProfile, RelayedMessage
from tierslieux.network.selectors.offers import listing_matches

TODAY = dt.date.today


def data(**extra):
    values = {
        "side": "offer",
        "kind": "equipment",
        "category": "fabrication",
        "title": "Découpe laser à prêter",
        "description": "Une **découpeuse** <script>alert(1)</script>",
        "tags": "laser, bois",
        "place": None,
        "commune": None,
        "radius_km": 30,
        "terms": "free",
        "valid_until": timezone.localdate() + dt.timedelta(days=60),
    }
    return values | extra


@pytest.fixture
def offer(forge, place_manager):
    listing = services.listing_save(user=place_manager, data=data(place=forge))
    services.listing_publish(listing=listing, user=place_manager)
    return listing


def test_bad_input_gets_a_french_refusal_and_writes_nothing(plain_user, brest):
    cases = [
        (data(commune=brest, radius_km=0), "au moins 1 km"),
        (data(commune=brest, valid_until=timezone.localdate() - dt.timedelta(days=1)), "déjà passée"),
        (data(commune=brest, category="couture"), "catégorie"),
        (data(), "commune"),
        (data(commune=brest, radius_km=900), "500 km"),
    ]
    for values, words in cases:
        with pytest.raises(ServiceError) as error:
            services.listing_save(user=plain_user, data=values)
        assert words in error.value.message and error.value.status == 400
    assert Listing.objects.count() == 0


def test_a_person_cannot_publish_for_a_place_they_do_not_manage(plain_user, forge):
    with pytest.raises(ServiceError) as error:
        services.listing_save(user=plain_user, data=data(place=forge))
    assert error.value.status == 403


def test_per_account_limits(plain_user, brest, settings):
    settings.NETWORK_MAX_OPEN_LISTINGS = 2
    services.listing_save(user=plain_user, data=data(commune=brest))
    services.listing_save(user=plain_user, data=data(commune=brest))
    with pytest.raises(ServiceError) as error:
        services.listing_save(user=plain_user, data=data(commune=brest))
    assert error.value.status == 429 and Listing.objects.count() == 2


def test_publish_finds_matches_and_emails_both_sides_once(
    offer, plain_user, brest, mailbox, django_capture_on_commit_callbacks
):
    need = services.listing_save(
        user=plain_user, data=data(side="need", commune=brest, title="Je cherche une découpe laser")
    )
    with django_capture_on_commit_callbacks(execute=True):
        found = services.listing_publish(listing=need, user=plain_user)
    assert [f.pk for f in found] == [offer.pk]
    assert MatchNotice.objects.filter(need=need, offer=offer).count() == 1
    to_owner = mailbox.wait_for("gestionnaire@example.org")
    to_need = mailbox.wait_for("personne@example.org")
    assert "Je cherche une découpe laser" in mailbox.text(to_owner[0])
    assert "Découpe laser à prêter" in mailbox.text(to_need[0])
    assert "personne@example.org" not in mailbox.text(to_owner[0])
    # Publishing again the same pair notifies nobody (one notice per pair).
    services.matches_notify(listing=need, now=timezone.now())
    assert MatchNotice.objects.count() == 1


def test_match_emails_respect_the_opt_out(
    offer, plain_user, brest, mailbox, django_capture_on_commit_callbacks
):
    NetworkProfile.objects.create(user=plain_user, notify_matches=False)
    need = services.listing_save(user=plain_user, data=data(side="need", commune=brest))
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_publish(listing=need, user=plain_user)
    mailbox.wait_for("gestionnaire@example.org")
    assert mailbox.to("personne@example.org") == []


def test_matches_follow_kind_category_and_radius(offer, plain_user, quimper, lyon):
    far = services.listing_save(user=plain_user, data=data(side="need", commune=quimper, radius_km=20))
    assert listing_matches(far) == []  # Quimper is ~50 km from Brest
    wide = services.listing_save(user=plain_user, data=data(side="need", commune=quimper, radius_km=80))
    assert [m.pk for m in listing_matches(wide)] == [offer.pk]
    other = services.listing_save(
        user=plain_user, data=data(side="need", commune=quimper, radius_km=80, category="textile")
    )
    assert listing_matches(other) == []


def test_relay_sends_without_showing_addresses(
    offer, plain_user, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.message_relay(sender=plain_user, listing=offer, message="Bonjour, je peux passer jeudi ?")
    message = mailbox.wait_for("gestionnaire@example.org")[0]
    assert message["Reply-To"] == "personne@example.org"
    assert "Bonjour, je peux passer jeudi" in mailbox.text(message)
    with pytest.raises(ServiceError):
        services.message_relay(sender=plain_user, listing=offer, message="court")
    assert RelayedMessage.objects.count() == 1


def test_report_and_moderation(offer, plain_user, programme_staff):
    report = services.listing_report(listing=offer, user=plain_user, reason="spam", message="Publicité")
    with pytest.raises(ServiceError) as again:
        services.listing_report(listing=offer, user=plain_user, reason="spam")
    assert again.value.status == 409
    with pytest.raises(ServiceError) as refused:
        services.report_decide(report=report, user=plain_user, action="resolve", reason="x")
    assert refused.value.status == 403
    services.report_decide(report=report, user=programme_staff, action="resolve", reason="Publicité")
    offer.refresh_from_db()
    report.refresh_from_db()
    assert offer.status == "removed" and report.status == "resolved"


def test_expiry_job_warns_a_week_before_once_then_expires(offer, mailbox, django_capture_on_commit_callbacks):
    Listing.objects.filter(pk=offer.pk).update(valid_until=timezone.localdate() + dt.timedelta(days=7))
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        run_job("network.listings_expiry", now=now)
    assert len(mailbox.wait_for("gestionnaire@example.org")) == 1
    run_job("network.listings_expiry", now=now + dt.timedelta(hours=1))
    assert len(mailbox.to("gestionnaire@example.org")) == 1
    run_job("network.listings_expiry", now=now + dt.timedelta(days=8))
    offer.refresh_from_db()
    assert offer.status == "expired"


# --- Pages and roles ------------------------------------------------------------------------------------
def test_public_pages(client, offer):
    for url in [
        "/reseau/",
        f"/reseau/annonces/{offer.pk}/",
        "/reseau/autour-de-moi/?around=Brest",
        "/reseau/?around=29200&radius=10",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(f"/reseau/annonces/{offer.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page and "<strong>découpeuse</strong>" in page
    assert "gestionnaire@example.org" not in page
    around = client.get("/reseau/autour-de-moi/?around=Brest").content.decode()
    assert "Découpe laser à prêter" in around


def test_around_uses_the_commune_the_autocomplete_chose(client, offer, two_saint_pierre):
    from tierslieux.network.alerts import listing_params

    title = "Découpe laser à prêter"  # the offer of La Forge, in Brest
    # The name alone: the most populated Saint-Pierre, beside Lyon.
    assert title not in client.get("/reseau/?around=Saint-Pierre&radius=10").content.decode()
    assert title not in client.get("/reseau/autour-de-moi/?around=Saint-Pierre&radius=10").content.decode()
    chosen = "around=Saint-Pierre+%2829%29&around_insee=29999&radius=10"
    for url in (f"/reseau/?{chosen}", f"/reseau/autour-de-moi/?{chosen}"):
        html = client.get(url).content.decode()
        assert title in html, url
        assert 'name="around_insee" value="29999"' in html and 'value="Saint-Pierre (29)"' in html, url
        assert "data-tl-commune" in html and "geo/tl-commune.js" in html, url
    # Alerts keep the choice; a text edited since the choice decides alone.
    assert listing_params({"around": "Saint-Pierre (29)", "around_insee": "29999"})["around_insee"] == "29999"
    assert "around_insee" not in listing_params({"around": "Lyon", "around_insee": "29999"})
    assert title not in client.get("/reseau/?around=Lyon&around_insee=29999&radius=10").content.decode()
    # Without JavaScript (no code), a label as the autocomplete writes it is understood too.
    assert (
        title in client.get("/reseau/?around=Saint-Pierre+%2829%29&around_insee=&radius=10").content.decode()
    )


def test_bad_filters_are_reported_not_refused(client, db):
    response = client.get("/reseau/?radius=0&around=Nullepart&kind=zzz")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Le rayon doit être compris entre 1 et 500 km" in text and "introuvable" in text


def test_draft_is_seen_by_its_owner_and_staff_only(
    client_for, plain_user, place_manager, programme_staff, brest
):
    draft = services.listing_save(user=plain_user, data=data(commune=brest))
    url = f"/reseau/annonces/{draft.pk}/"
    assert client_for(None).get(url).status_code == 404
    assert client_for(place_manager).get(url).status_code == 404
    assert client_for(plain_user).get(url).status_code == 200
    assert client_for(programme_staff).get(url).status_code == 200


def test_create_page_roles_and_bad_input(client_for, plain_user, brest):
    assert client_for(None).get("/reseau/annonces/nouvelle/").status_code == 302
    client = client_for(plain_user)
    assert client.get("/reseau/annonces/nouvelle/").status_code == 200
    form = {
        "side": "offer",
        "kind": "skill",
        "category": "animation",
        "title": "Animation",
        "commune": "Brest",
        "radius_km": "0",
        "terms": "free",
        "valid_until": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
    }
    response = client.post("/reseau/annonces/nouvelle/", form)
    assert response.status_code == 400 and "au moins 1 km" in response.content.decode()
    assert 'value="Animation"' in response.content.decode()  # what was typed is kept
    assert Listing.objects.count() == 0
    response = client.post("/reseau/annonces/nouvelle/", form | {"radius_km": "15"})
    listing = Listing.objects.get()
    assert response.status_code == 302 and listing.status == "draft" and listing.commune == brest


def test_actions_by_role(client_for, offer, plain_user, place_manager, programme_staff):
    url = f"/reseau/annonces/{offer.pk}/action/"
    assert client_for(plain_user).post(url, {"action": "close"}).status_code == 403
    assert client_for(plain_user).post(url, {"action": "remove", "reason": "x"}).status_code == 403
    assert (
        client_for(programme_staff).post(url, {"action": "remove"}).status_code == 400
    )  # a reason is required
    assert client_for(place_manager).post(url, {"action": "fulfil"}).status_code == 302
    offer.refresh_from_db()
    assert offer.status == "fulfilled"
    assert client_for(place_manager).post(url, {"action": "close"}).status_code == 409


def test_contact_and_report_pages(client_for, offer, plain_user, mailbox, django_capture_on_commit_callbacks):
    assert client_for(None).get(f"/reseau/annonces/{offer.pk}/ecrire/").status_code == 302
    client = client_for(plain_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/reseau/annonces/{offer.pk}/ecrire/", {"message": "Bonjour, est-ce toujours disponible ?"}
        )
    assert response.status_code == 302
    mailbox.wait_for("gestionnaire@example.org")
    response = client.post(f"/reseau/annonces/{offer.pk}/signaler/", {"reason": "spam"})
    assert response.status_code == 302 and AbuseReport.objects.count() == 1
    assert client.post(f"/reseau/annonces/{offer.pk}/signaler/", {"reason": "spam"}).status_code == 409


def test_profile_opt_in_and_person_page(client_for, plain_user, brest):
    client = client_for(plain_user)
    assert (
        client.post("/reseau/mon-profil/", {"is_public": "on", "skills": ["animation"]}).status_code == 400
    )  # no commune
    assert client_for(None).get(f"/reseau/personnes/{plain_user.pk}/").status_code == 404
    assert (
        client.post(
            "/reseau/mon-profil/",
            {"is_public": "on", "skills": ["animation"], "commune": "Brest", "notify_matches": "on"},
        ).status_code
        == 302
    )
    page = client_for(None).get(f"/reseau/personnes/{plain_user.pk}/").content.decode()
    assert "Animation de communauté" in page and "personne@example.org" not in page


def test_moderation_page_is_for_staff(client_for, plain_user, place_manager, programme_staff, administrator):
    assert client_for(None).get("/reseau/moderation/").status_code == 302
    assert client_for(plain_user).get("/reseau/moderation/").status_code == 403
    assert client_for(place_manager).get("/reseau/moderation/").status_code == 403
    assert client_for(programme_staff).get("/reseau/moderation/").status_code == 200
    assert client_for(administrator).get("/reseau/moderation/").status_code == 200


def test_mine_needs_sign_in(client_for, plain_user):
    assert client_for(None).get("/reseau/mon-reseau/").status_code == 302
    assert client_for(plain_user).get("/reseau/mon-reseau/").status_code == 200


def test_personal_data_export_and_erase(offer, plain_user, brest):
    from tierslieux.accounts import personal_data

    mine = services.listing_save(user=plain_user, data=data(commune=brest))
    section = personal_data.SECTIONS["network"]
    assert section.export(plain_user)["listings"][0]["id"] == mine.pk
    section.erase(plain_user)
    assert not Listing.objects.filter(pk=mine.pk).exists() and Listing.objects.filter(pk=offer.pk).exists()
