"""Browser journeys of the news (headless Chromium, axe-core on every page): post a comment held for
moderation and approve it; write and schedule an article; the other news and personal-data pages."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.alerts.helpers import path_of
from tests.conftest import PASSWORD, assert_accessible
from tests.factories.news import ArticleFactory, CommentFactory, TagFactory
from tests.geo.combobox_helpers import pick_commune
from tests.news.conftest import image_bytes
from tierslieux.core.jobs import run_job
from tierslieux.news import workflow
from tierslieux.news.models import Article, Comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CONFIRM = re.compile(r"https?://\S+/actualites/commentaires/\d+/confirmer/\S+/")


def logout(page):
    with page.expect_navigation():
        page.get_by_role("button", name="Se déconnecter").click()


def test_post_a_comment_held_for_moderation_and_approve_it(page, login, editor, mailbox, settings):
    settings.NEWS_COMMENT_MIN_SECONDS = 1
    article = ArticleFactory(title="Faire ensemble", body="Le texte de l’article.")
    page.goto(article.get_absolute_url())
    assert_accessible(page)
    page.locator("#id_name").fill("Léa")
    page.locator("#id_email").fill("lea@example.org")
    page.locator("#id_body").fill("Merci pour ce résumé, très utile.")
    page.get_by_text("Me prévenir par courriel des réponses").click()
    page.wait_for_timeout(1100)  # the minimum fill time of the form
    page.get_by_role("button", name="Publier le commentaire").click()
    page.wait_for_url(re.compile(re.escape(article.get_absolute_url()) + r"(#.*)?$"))
    assert "Pour publier votre commentaire, ouvrez le lien du courriel" in page.content()
    assert "Vos commentaires en attente" in page.content()
    assert_accessible(page)
    # Within 15 minutes the author may edit it, from the same browser.
    page.get_by_role("link", name="Modifier mon commentaire").click()
    page.wait_for_url("**/modifier/")
    assert_accessible(page)
    page.locator("#id_body").fill("Merci pour ce résumé, vraiment très utile.")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(re.escape(article.get_absolute_url()) + r"(#.*)?$"))
    [message] = mailbox.wait_for("lea@example.org")
    page.goto(path_of(CONFIRM.search(mailbox.text(message)).group(0)))
    assert_accessible(page)
    assert Comment.objects.get().status == workflow.UNCONFIRMED  # opening the link confirmed nothing
    page.get_by_role("button", name="Confirmer mon commentaire").click()
    page.wait_for_load_state()
    assert "Il sera publié après relecture par la modération" in page.content()
    assert_accessible(page)
    comment = Comment.objects.get()
    assert comment.status == workflow.PENDING and comment.reply_subscription.status == "active"

    login(editor)
    page.goto("/actualites/moderation/")
    assert "À modérer (1)" in page.locator("#queues").inner_text()
    assert "vraiment très utile" in page.content() and "lea@example.org" not in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Approuver le commentaire de Léa").click()
    page.wait_for_load_state()
    assert "Commentaire : Publié." in page.content()
    assert_accessible(page)
    page.goto("/actualites/moderation/?file=approved")
    assert_accessible(page)
    logout(page)
    page.goto(article.get_absolute_url())
    assert "vraiment très utile" in page.locator("#commentaires").inner_text()
    assert "1 commentaire publié." in page.locator("#comment-policy").inner_text()
    page.get_by_role("link", name="Signaler le commentaire de Léa").click()
    page.wait_for_url("**/signaler/")
    assert_accessible(page)
    page.get_by_text("Publicité ou indésirable").click()
    page.get_by_role("button", name="Signaler").click()
    page.wait_for_url(re.compile(re.escape(article.get_absolute_url()) + r"(#.*)?$"))
    assert comment.reports.count() == 1


def test_write_and_schedule_an_article(page, login, editor, tmp_path):
    TagFactory(name="Appels", slug="appels")
    login(editor)
    page.goto("/actualites/redaction/")
    assert_accessible(page)
    page.get_by_role("link", name="Nouvel article").click()
    page.wait_for_url("**/redaction/nouvel-article/")
    assert_accessible(page)
    page.locator("#id_title").fill("La vague 3 ouvrira bientôt")
    page.get_by_label("Chapô").fill("Les territoires sans tiers-lieu labellisé auront leur vague.")
    page.locator("#id_body").fill("## Calendrier\n\nLa vague ouvrira au printemps.")
    cover = tmp_path / "couverture.png"
    cover.write_bytes(image_bytes())
    page.locator("#id_cover").set_input_files(str(cover))
    page.locator("#id_cover_alt").fill("Une carte de France des tiers-lieux")
    page.locator("#id_tags").fill("Appels, Calendrier")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/redaction/*/")
    assert "Le brouillon est enregistré." in page.content()
    assert_accessible(page)
    article = Article.objects.get()
    page.locator("#id_publish_at").fill("2031-03-02T09:30")
    page.get_by_role("button", name="Programmer la publication").click()
    page.wait_for_load_state()
    assert "La publication est programmée." in page.content()
    assert "Statut : Programmé" in page.locator("main").inner_text()
    assert_accessible(page)
    page.goto(article.get_absolute_url())
    assert "Aperçu réservé à la rédaction" in page.content()
    assert_accessible(page)
    run_job("news.publish_scheduled", now=datetime(2031, 3, 2, 9, 30, tzinfo=ZoneInfo("Europe/Paris")))
    article.refresh_from_db()
    assert article.status == workflow.PUBLISHED
    logout(page)
    page.goto(article.get_absolute_url())
    assert page.locator("h1").inner_text() == "La vague 3 ouvrira bientôt"
    assert page.locator("img[alt='Une carte de France des tiers-lieux']").count() == 1
    assert_accessible(page)
    page.goto("/actualites/")
    assert "La vague 3 ouvrira bientôt" in page.locator("#articles").inner_text()
    page.goto("/actualites/etiquette/appels/")
    assert "La vague 3 ouvrira bientôt" in page.locator("#articles").inner_text()
    assert_accessible(page)


def test_my_data_and_account_erasure_pages(page, login, plain_user):
    CommentFactory(user=plain_user, author_email=plain_user.email, author_name="Léa")
    login(plain_user)
    page.goto("/comptes/mes-donnees/")
    assert "Commentaires et articles" in page.locator("#data-sections").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Supprimer mon compte").click()
    page.wait_for_url("**/comptes/supprimer/")
    assert_accessible(page)
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_text("Je comprends que la suppression").click()
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    page.wait_for_load_state()
    assert "Ce mot de passe n’est pas le bon." in page.content()
    assert_accessible(page)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.locator("#id_confirm").check(force=True)
    with page.expect_navigation(url=re.compile(r"^https?://[^/]+/$")):
        page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    assert "Votre compte est supprimé" in page.content()
    assert Comment.objects.get().shown_name == "Auteur supprimé"


def test_link_communes_with_the_keyboard_in_the_commune_picker(page, login, editor, brest, two_saint_pierre):
    article = ArticleFactory(title="Les tiers-lieux du Finistère")
    article.communes.add(brest)
    login(editor)
    page.goto(f"/actualites/redaction/{article.pk}/")
    items = page.locator("[data-tl-commune-list-items] > li")
    assert items.locator("button").all_text_contents() == ["Retirer Brest (29200)"]
    assert_accessible(page)
    box = page.get_by_role("combobox", name=re.compile("^Communes liées"))
    box.focus()
    # Add the Saint-Pierre beside Brest: the box empties for the next one.
    pick_commune(page, box, "saint-p", option="Finistère", position=2, count=2)
    assert box.input_value() == "" and items.count() == 2
    assert (
        page.locator("[data-tl-commune-list-status]").text_content()
        == "Saint-Pierre (29) ajoutée à la liste."
    )
    # Remove Brest: Tab reaches its button, Enter removes it, the focus moves to the next button.
    box.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Retirer Brest (29200)"
    page.keyboard.press("Enter")
    assert items.count() == 1
    assert page.evaluate("() => document.activeElement.textContent") == "Retirer Saint-Pierre (29)"
    assert (
        page.locator("[data-tl-commune-list-status]").text_content() == "Brest (29200) retirée de la liste."
    )
    assert_accessible(page)
    # A name two communes bear, typed without choosing: refused, the list and the text kept.
    box.focus()
    box.press_sequentially("Saint-Pierre", delay=30)
    page.get_by_role("listbox", name="Communes proposées").get_by_role("option").first.wait_for()
    box.press("Escape")
    with page.expect_navigation():
        box.press("Enter")
    assert "Plusieurs communes s’appellent « Saint-Pierre »" in page.locator("main").inner_text()
    assert box.input_value() == "Saint-Pierre"
    assert items.locator("button").all_text_contents() == ["Retirer Saint-Pierre (29)"]
    assert_accessible(page)
    box.fill("")
    with page.expect_navigation():
        box.press("Enter")
    assert "L’article est enregistré." in page.content()
    assert list(article.communes.values_list("insee", flat=True)) == ["29999"]
