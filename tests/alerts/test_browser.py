"""Browser journeys of the alerts (headless Chromium, axe-core on every page): subscribe without an account
from the news box and confirm; manage and unsubscribe; the other alert pages."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.alerts.helpers import active_subscription, links, path_of
from tests.conftest import assert_accessible
from tests.factories.news import ArticleFactory
from tierslieux.alerts import tokens, workflow
from tierslieux.alerts.models import Subscription

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_subscribe_without_an_account_from_the_news_and_confirm(page, mailbox):
    ArticleFactory(title="Une première actualité")
    page.goto("/actualites/")
    assert_accessible(page)
    box = page.locator("#alerte")
    box.get_by_label("Adresse électronique").fill("lea@example.org")
    box.get_by_label("Fréquence").select_option("daily")
    box.get_by_text("J’accepte de recevoir ces alertes").click()
    box.get_by_role("button", name="Recevoir l’alerte").click()
    page.wait_for_url("**/alertes/abonnement/envoye/")
    assert "Confirmez votre alerte" in page.locator("h1").inner_text()
    assert_accessible(page)
    [message] = mailbox.wait_for("lea@example.org")
    [confirm_url] = links(mailbox.text(message))
    page.goto(path_of(confirm_url))
    assert "Nouveaux articles — Un résumé par jour" in page.locator("#pending").inner_text()
    assert_accessible(page)
    assert Subscription.objects.get().status == workflow.PENDING  # opening the link confirmed nothing
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_load_state()
    assert "1 alerte confirmée" in page.content()
    assert_accessible(page)
    assert Subscription.objects.get().status == workflow.ACTIVE
    # From there, the management page of the address.
    page.get_by_role("link", name="Gérer mes alertes").click()
    page.wait_for_url("**/alertes/gerer/*/")
    assert_accessible(page)
    page.get_by_label("Fréquence de « Nouveaux articles »").select_option("weekly")
    page.get_by_role("button", name="Enregistrer Nouveaux articles").click()
    page.wait_for_load_state()
    assert "La fréquence de « Nouveaux articles » est enregistrée." in page.content()
    assert Subscription.objects.get().frequency == "weekly"
    page.get_by_role("button", name="Me désabonner Nouveaux articles").click()
    page.wait_for_load_state()
    assert "Aucun abonnement en cours" in page.content()
    assert_accessible(page)


def test_the_unsubscribe_page_and_the_other_alert_pages(page, login, plain_user):
    subscription = active_subscription(plain_user.email, at=timezone.now(), stream="news.articles")
    page.goto("/alertes/")
    assert_accessible(page)
    page.goto("/alertes/abonnement/?stream=calls.calls")
    assert "ouvertures et dates limites" in page.locator("#alert-label").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Recevoir cette alerte").click()  # empty: errors, what was typed kept
    page.wait_for_load_state()
    assert "Le formulaire contient des erreurs" in page.content()
    assert_accessible(page)
    page.goto("/alertes/gerer/")
    assert_accessible(page)
    page.get_by_label("Adresse électronique").fill("inconnue@example.org")
    page.get_by_role("button", name="Recevoir le lien").click()
    page.wait_for_load_state()
    assert "Lien envoyé" in page.locator("h1").inner_text()
    assert_accessible(page)
    page.goto(f"/alertes/desinscription/{tokens.unsubscribe_token(subscription)}/")
    assert_accessible(page)
    page.get_by_role("button", name="Me désabonner", exact=True).click()
    page.wait_for_load_state()
    assert "Vous êtes désabonné·e de « Nouveaux articles »" in page.content()
    assert_accessible(page)
    page.goto("/alertes/confirmer/faux/")
    assert "Lien invalide" in page.locator("h1").inner_text()
    assert_accessible(page)
    login(plain_user)
    page.goto("/alertes/mes-alertes/")
    assert_accessible(page)


def test_follow_a_department_from_its_page_and_an_atlas_search(page, mailbox):
    from tests.factories.geo import CommuneFactory, DepartmentFactory, RegionFactory

    dordogne = DepartmentFactory(
        code="24", name="Dordogne", region=RegionFactory(code="75", name="Nouvelle-Aquitaine")
    )
    CommuneFactory(insee="24322", name="Périgueux", department=dordogne, postcodes="24000")
    page.goto("/territoires/departement/24/")
    box = page.locator("#alerte-territoire")
    assert "Nouveautés du département Dordogne (24)" in box.inner_text()
    assert_accessible(page)
    box.get_by_label("Adresse électronique").fill("sam@example.org")
    box.get_by_text("J’accepte de recevoir ces alertes").click()
    box.get_by_role("button", name="Recevoir l’alerte").click()
    page.wait_for_url("**/alertes/abonnement/envoye/")
    assert Subscription.objects.get().params == {"department": "24"}
    mailbox.wait_for("sam@example.org")
    page.goto("/lieux/?type=fablab")
    page.locator("#atlas-alert").click()
    page.wait_for_url("**/alertes/abonnement/?stream=places.saved_search*")
    assert page.locator("#alert-label").inner_text() == "Nouveaux lieux : Fablab"
    assert_accessible(page)
