"""Articles: written by editors and programme staff, Markdown sanitised, a cover validated by its content with
a required alternative text, the workflow draft → scheduled → published (by the job, at its time) →
archived, and the previous version kept when a published article is edited."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories.news import ArticleFactory
from tests.news.conftest import image_bytes
from tierslieux.core.errors import ServiceError
from tierslieux.core.jobs import run_job
from tierslieux.core.transitions import transition_history
from tierslieux.core.workflow import TransitionError
from tierslieux.news import services, workflow
from tierslieux.news.models import Article, ArticleVersion, Tag
from tierslieux.news.text import article_html

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def _save(user, **changes):
    values = {"title": "Un article", "standfirst": "Le chapô.", "body": "Le **texte**.", **changes}
    return services.article_save(user=user, **values)


def test_an_editor_writes_a_draft_with_tags_and_a_unique_slug(editor):
    first = _save(editor, title="Réparer ensemble", tags=["Repair cafés", "repair cafés", "Portraits"])
    second = _save(editor, title="Réparer ensemble")
    assert (first.status, first.slug, second.slug) == (
        workflow.DRAFT,
        "reparer-ensemble",
        "reparer-ensemble-2",
    )
    assert sorted(first.tags.values_list("name", flat=True)) == ["Portraits", "Repair cafés"]
    assert first.author == editor and first.author_name == "Rémi Rédacteur"
    assert _save(editor, title="Rédaction").slug == "redaction-article"  # never a reserved path


def test_programme_staff_write_too_and_others_are_refused(programme_staff, plain_user, reviewer):
    assert _save(programme_staff).pk
    for user in (plain_user, reviewer):
        with pytest.raises(ServiceError) as refused:
            _save(user)
        assert refused.value.status == 403


def test_markdown_is_sanitised_no_raw_html_no_javascript_links():
    html = article_html(
        "## Titre\n\n**gras** [site](https://example.org) [piège](javascript:alert(1)) "
        "<script>alert(2)</script> <img src=x onerror=alert(3)> <b>brut</b>\n\n"
        "<div onclick='x()'>bloc</div>\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "<h2>Titre</h2>" in html and "<strong>gras</strong>" in html and "<table>" in html
    assert 'href="https://example.org"' in html and 'rel="noopener noreferrer"' in html
    assert "javascript:" not in html and "<script" not in html and "<img" not in html and "<b>" not in html
    assert "onerror" not in html.replace("onerror=alert(3)&gt;", "") and "<div" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html  # shown as text


def test_a_cover_is_checked_by_its_content_and_re_encoded_without_metadata(editor):
    exif = Image.Exif()
    exif[0x010F] = "Appareil secret"  # Make
    upload = SimpleUploadedFile(
        "photo.jpg", image_bytes("JPEG", exif=exif.tobytes()), content_type="image/jpeg"
    )
    article = _save(editor, cover=upload, cover_alt="Des personnes réparent un vélo dans un atelier")
    with Image.open(article.cover.path) as stored:
        assert stored.format == "JPEG" and not stored.getexif()
    assert article.cover.name.startswith("news/") and "photo" not in article.cover.name


@pytest.mark.parametrize(
    ("upload", "alt", "message"),
    [
        (
            SimpleUploadedFile("x.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg"),
            "Un atelier partagé",
            "pas une image lisible",
        ),
        (
            SimpleUploadedFile("x.gif", b"GIF89a" + b"\x00" * 40, content_type="image/gif"),
            "Un atelier partagé",
            "pas une image lisible",
        ),
        (
            SimpleUploadedFile("x.png", image_bytes(), content_type="image/png"),
            "",
            r"texte alternatif \(obligatoire\)",
        ),
        (
            SimpleUploadedFile("x.png", image_bytes(), content_type="image/png"),
            "IMG_2041.jpg",
            "pas donner le nom du fichier",
        ),
    ],
)
def test_a_bad_cover_or_a_missing_alternative_text_is_refused(editor, upload, alt, message):
    with pytest.raises(ServiceError, match=message):
        _save(editor, cover=upload, cover_alt=alt)
    assert Article.objects.count() == 0


def test_the_workflow_schedules_then_the_job_publishes_at_the_set_time(editor):
    article = _save(editor)
    at = datetime(2030, 5, 4, 9, 30, tzinfo=PARIS)
    with pytest.raises(ServiceError, match="à venir"):
        services.article_schedule(article=article, user=editor, publish_at=at, now=at + timedelta(minutes=1))
    services.article_schedule(article=article, user=editor, publish_at=at, now=at - timedelta(days=1))
    assert article.status == workflow.SCHEDULED
    assert run_job("news.publish_scheduled", now=at - timedelta(minutes=1)) == "0 article(s) publié(s)"
    assert run_job("news.publish_scheduled", now=at) == "1 article(s) publié(s)"
    article.refresh_from_db()
    assert (article.status, article.published_at) == (workflow.PUBLISHED, at)
    services.article_transition(article=article, user=editor, action="archive")
    assert article.status == workflow.ARCHIVED
    with pytest.raises(TransitionError):
        services.article_transition(article=article, user=editor, action="publish")
    actions = [(log.action, log.actor_id) for log in transition_history(article)]
    assert actions == [("schedule", editor.pk), ("publish", None), ("archive", editor.pk)]


def test_unscheduling_and_publishing_now(editor, plain_user):
    article = _save(editor)
    services.article_schedule(article=article, user=editor, publish_at=datetime(2030, 1, 1, tzinfo=PARIS))
    services.article_transition(article=article, user=editor, action="unschedule")
    assert article.status == workflow.DRAFT
    with pytest.raises(TransitionError) as refused:
        services.article_transition(article=article, user=plain_user, action="publish")
    assert refused.value.status == 403
    services.article_transition(article=article, user=editor, action="publish")
    assert article.status == workflow.PUBLISHED and article.published_at is not None


def test_an_edit_after_publication_keeps_the_previous_version(editor):
    article = _save(editor, title="Première version", tags=["A"])
    _save(editor, article=article, title="Brouillon retouché", tags=["A"])  # a draft: no version kept
    assert ArticleVersion.objects.count() == 0
    services.article_transition(article=article, user=editor, action="publish")
    services.article_save(
        user=editor,
        article=article,
        title="Titre corrigé",
        standfirst="Le chapô.",
        body="Texte corrigé.",
        tags=["A", "B"],
    )
    [version] = ArticleVersion.objects.all()
    assert (version.number, version.title, version.body, version.tags) == (
        1,
        "Brouillon retouché",
        "Le **texte**.",
        ["A"],
    )
    article.refresh_from_db()
    assert (article.version, article.title) == (2, "Titre corrigé")
    services.article_save(
        user=editor,
        article=article,
        title="Titre corrigé",
        standfirst="Le chapô.",
        body="Texte corrigé.",
        tags=["A", "B"],
    )
    assert ArticleVersion.objects.count() == 1  # saving without a change keeps no version
    assert Tag.objects.count() == 2


def test_an_erased_author_is_shown_as_deleted(editor):
    from tierslieux.accounts.services import user_erase

    article = ArticleFactory(author=editor)
    user_erase(user=editor)
    article.refresh_from_db()
    assert article.author_name == "Auteur supprimé"
