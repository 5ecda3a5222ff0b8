"""News pages: the public list (paginated, by tag), the article page (NewsArticle JSON-LD, share links
without trackers, feeds advertised), the RSS 2.0 and Atom feeds read by feedparser, what each role may
reach, and articles shown on the pages they link."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import feedparser
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories.calls import CallFactory
from tests.factories.geo import CommuneFactory, DepartmentFactory, RegionFactory
from tests.factories.news import ArticleFactory, TagFactory
from tests.factories.places import PlaceFactory
from tests.news.conftest import image_bytes
from tierslieux.news import workflow
from tierslieux.news.models import Article

pytestmark = pytest.mark.django_db


def test_the_list_is_paginated_newest_first_and_shows_only_published_articles(client):
    now = timezone.now()
    for number in range(12):
        ArticleFactory(title=f"Publié {number:02d}", published_at=now - timedelta(days=number))
    ArticleFactory(title="Brouillon secret", status=workflow.DRAFT, published_at=None)
    first = client.get("/actualites/").content.decode()
    assert first.index("Publié 00") < first.index("Publié 09") and "Publié 10" not in first
    assert "Brouillon secret" not in first and "Page suivante" in first
    second = client.get("/actualites/?page=2").content.decode()
    assert "Publié 10" in second and "Publié 11" in second and "Publié 00" not in second


def test_a_tag_page_lists_its_articles_and_its_feeds(client):
    tag = TagFactory(name="Numérique", slug="numerique")
    ArticleFactory(title="Sur le numérique", tags=[tag])
    ArticleFactory(title="Autre sujet")
    content = client.get("/actualites/etiquette/numerique/").content.decode()
    assert "Sur le numérique" in content and "Autre sujet" not in content
    assert (
        '<link rel="alternate" type="application/rss+xml" title="Actualités Tiers-Lieux : Numérique (RSS)" href="/actualites/etiquette/numerique/rss.xml">'
        in content
    )
    assert client.get("/actualites/etiquette/inconnue/").status_code == 404


def test_the_article_page_has_news_article_json_ld_share_links_and_feed_links(client, editor, settings):
    settings.MEDIA_URL = "/media/"
    from tierslieux.news import services

    article = services.article_save(
        user=editor, title="Faire ensemble </script><script>alert(1)</script>", standfirst="Chapô & co.", body="Texte.",
        tags=["Politique publique"], cover=SimpleUploadedFile("c.png", image_bytes(), content_type="image/png"),
        cover_alt="Un atelier partagé",
    )  # fmt: skip
    services.article_transition(article=article, user=editor, action="publish")
    content = client.get(article.get_absolute_url()).content.decode()
    [raw] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', content, flags=re.DOTALL)
    data = json.loads(raw)
    assert data["@type"] == "NewsArticle" and data["headline"].startswith("Faire ensemble </script>")
    assert data["author"] == {"@type": "Person", "name": "Rémi Rédacteur"}
    assert data["datePublished"] == article.published_at.isoformat() and data["image"][0].startswith(
        "http://testserver/media/news/"
    )
    assert "<script>alert(1)" not in content
    assert 'alt="Un atelier partagé"' in content
    assert (
        'class="fr-share' in content
        and "https://www.facebook.com/sharer.php?u=http%3A%2F%2Ftestserver%2Factualites%2F" in content
    )
    assert not re.search(r"<script[^>]+src=\"https?://", content)  # no third-party script: no tracker
    assert 'rel="alternate" type="application/atom+xml"' in content


def test_feeds_are_valid_rss_and_atom_read_by_feedparser(client):
    tag = TagFactory(name="Appels", slug="appels")
    now = timezone.now()
    ArticleFactory(
        title="Vague ouverte", tags=[tag], published_at=now - timedelta(hours=1), standfirst="Déposez <vite>."
    )
    ArticleFactory(title="Portrait", published_at=now - timedelta(hours=2))
    ArticleFactory(title="Brouillon", status=workflow.DRAFT, published_at=None)
    rss = feedparser.parse(client.get("/actualites/rss.xml").content)
    assert not rss.bozo and rss.version == "rss20" and rss.feed.title == "Actualités — Tiers-Lieux"
    assert [entry.title for entry in rss.entries] == ["Vague ouverte", "Portrait"]
    assert (
        rss.entries[0].link
        == "http://testserver/actualites/" + Article.objects.get(title="Vague ouverte").slug + "/"
    )
    assert "Déposez &lt;vite&gt;." in rss.entries[0].summary and rss.entries[0].tags[0].term == "Appels"
    atom = feedparser.parse(client.get("/actualites/atom.xml").content)
    assert not atom.bozo and atom.version == "atom10" and len(atom.entries) == 2
    assert atom.entries[0].author == ArticleFactory._meta.model.objects.get(title="Vague ouverte").author_name
    tagged = feedparser.parse(client.get("/actualites/etiquette/appels/atom.xml").content)
    assert [entry.title for entry in tagged.entries] == ["Vague ouverte"]
    assert [
        e.title for e in feedparser.parse(client.get("/actualites/etiquette/appels/rss.xml").content).entries
    ] == ["Vague ouverte"]


@pytest.mark.parametrize(
    "path", ["/actualites/redaction/", "/actualites/redaction/nouvel-article/", "/actualites/moderation/"]
)
def test_editor_pages_by_role(
    client_for, path, plain_user, reviewer, applicant, editor, programme_staff, administrator
):
    anonymous = client_for(None).get(path)
    assert anonymous.status_code == 302 and "/comptes/connexion/" in anonymous["Location"]
    for user in (plain_user, reviewer, applicant):
        assert client_for(user).get(path).status_code == 403, user
    for user in (editor, programme_staff, administrator):
        assert client_for(user).get(path).status_code == 200, user


def test_the_edit_page_and_its_actions_by_role(
    client_for, plain_user, reviewer, editor, programme_staff, administrator
):
    article = ArticleFactory()
    path = f"/actualites/redaction/{article.pk}/"
    assert "/comptes/connexion/" in client_for(None).get(path)["Location"]
    assert "/comptes/connexion/" in client_for(None).post(f"{path}action/", {"action": "archive"})["Location"]
    for user in (plain_user, reviewer):
        assert client_for(user).get(path).status_code == 403
        assert client_for(user).post(path, {"title": "x"}).status_code == 403
    for user in (editor, programme_staff, administrator):
        assert client_for(user).get(path).status_code == 200
    assert client_for(editor).get("/actualites/redaction/999999/").status_code == 404


def test_a_draft_is_a_preview_for_editors_and_a_404_for_others(client_for, plain_user, editor):
    draft = ArticleFactory(status=workflow.DRAFT, published_at=None)
    assert client_for(None).get(draft.get_absolute_url()).status_code == 404
    assert client_for(plain_user).get(draft.get_absolute_url()).status_code == 404
    preview = client_for(editor).get(draft.get_absolute_url())
    assert preview.status_code == 200 and "Aperçu réservé à la rédaction" in preview.content.decode()


def test_editors_write_and_schedule_through_the_pages(client_for, editor, plain_user):
    client = client_for(editor)
    response = client.post(
        "/actualites/redaction/nouvel-article/",
        {"title": "Nouveau", "standfirst": "Chapô.", "body": "Texte.", "tags": "A, B", "comments_open": "on",
         "cover": SimpleUploadedFile("c.png", image_bytes(), content_type="image/png"), "cover_alt": ""},
    )  # fmt: skip
    assert response.status_code == 400 and "texte alternatif (obligatoire)" in response.content.decode()
    assert 'value="Nouveau"' in response.content.decode()
    response = client.post(
        "/actualites/redaction/nouvel-article/",
        {"title": "Nouveau", "standfirst": "Chapô.", "body": "Texte.", "tags": "A, B", "comments_open": "on"},
    )
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/actualites/redaction/{article.pk}/"
    action = f"/actualites/redaction/{article.pk}/action/"
    assert client_for(plain_user).post(action, {"action": "publish"}).status_code == 403
    assert client.post(action, {"action": "schedule", "publish_at": "2000-01-01T10:00"}).status_code == 400
    assert client.post(action, {"action": "schedule", "publish_at": "pas une date"}).status_code == 400
    client.post(action, {"action": "schedule", "publish_at": "2040-01-01T10:00"})
    article.refresh_from_db()
    assert article.status == workflow.SCHEDULED and article.publish_at.year == 2040
    assert client.post(action, {"action": "archive"}).status_code == 409
    page = client.get(f"/actualites/redaction/{article.pk}/").content.decode()
    assert "Annuler la programmation" in page and "Publier maintenant" in page


def test_an_edit_form_with_unknown_links_keeps_what_was_typed(client_for, editor):
    article = ArticleFactory()
    response = client_for(editor).post(
        f"/actualites/redaction/{article.pk}/",
        {
            "title": "Changé",
            "standfirst": "Chapô.",
            "body": "Texte.",
            "places": "lieu-inconnu",
            "communes": "99999",
        },
    )
    content = response.content.decode()
    assert response.status_code == 400 and "Fiches introuvables : lieu-inconnu." in content
    assert "Codes INSEE inconnus : 99999." in content and 'value="Changé"' in content


def test_an_article_links_communes_chosen_in_the_commune_picker(client_for, editor, two_saint_pierre, brest):
    client = client_for(editor)
    form = client.get("/actualites/redaction/nouvel-article/").content.decode()
    assert "data-tl-commune-list" in form and "geo/tl-commune-list.js" in form and "geo/tl-commune.js" in form
    article = ArticleFactory(title="Avant")
    fields = {"title": "Après", "standfirst": "Chapô.", "body": "Texte."}
    url = f"/actualites/redaction/{article.pk}/"
    # The list posts INSEE codes; the box adds the commune the combobox chose, or the typed one.
    response = client.post(
        url,
        fields | {"communes": ["29019"], "communes_add": "Saint-Pierre (29)", "communes_add_insee": "29999"},
    )
    assert response.status_code == 302
    assert sorted(article.communes.values_list("insee", flat=True)) == ["29019", "29999"]
    html = client.get(url).content.decode()
    assert 'name="communes" value="29019"' in html and 'name="communes" value="29999"' in html
    assert "Brest (29200)" in html and "Saint-Pierre (29)" in html
    # An ambiguous name is refused with what was typed kept: nothing changes.
    response = client.post(url, fields | {"communes": ["29019"], "communes_add": "Saint-Pierre"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Plusieurs communes s’appellent « Saint-Pierre » : Saint-Pierre (69), Saint-Pierre (29)." in html
    assert 'name="communes_add" value="Saint-Pierre"' in html and 'name="communes" value="29019"' in html
    assert 'name="communes" value="29999"' not in html  # removed from the list in that post
    assert sorted(article.communes.values_list("insee", flat=True)) == ["29019", "29999"]
    # Removing every commune from the list unlinks them.
    assert client.post(url, fields).status_code == 302
    assert article.communes.count() == 0


def test_an_article_appears_on_the_pages_it_links(client):
    region = RegionFactory(code="75", name="Nouvelle-Aquitaine")
    department = DepartmentFactory(code="24", name="Dordogne", region=region)
    commune = CommuneFactory(insee="24322", name="Périgueux", department=department, region=region)
    place = PlaceFactory(name="Fablab du Périgord", commune=commune)
    call = CallFactory(title="Fabriques")
    linked = ArticleFactory(title="Un article lié")
    hidden = ArticleFactory(title="Un brouillon lié", status=workflow.DRAFT, published_at=None)
    for article in (linked, hidden):
        article.places.add(place)
        article.regions.add(region)
        article.departments.add(department)
        article.communes.add(commune)
        article.calls.add(call)
    for url in (place.get_absolute_url(), region.get_absolute_url(), department.get_absolute_url(),
                commune.get_absolute_url(), call.get_absolute_url()):  # fmt: skip
        content = client.get(url).content.decode()
        assert "Dans les actualités" in content and "Un article lié" in content, url
        assert "Un brouillon lié" not in content, url
    article_page = client.get(linked.get_absolute_url()).content.decode()
    assert "Fablab du Périgord" in article_page and "Dordogne" in article_page and "Fabriques" in article_page


def test_the_main_menu_has_the_news(client):
    assert 'href="/actualites/">Actualités</a>' in client.get("/").content.decode()
