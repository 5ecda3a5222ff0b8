import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/a-propos/", "/accessibilite/", "/mentions-legales/", "/donnees/"])
def test_public_pages_for_anonymous(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert '<html lang="fr"' in response.content.decode()


def test_unknown_page_is_a_french_404(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()


def test_home_shows_live_figures(client):
    from tests.factories.geo import CommuneFactory

    CommuneFactory(population=1234)
    content = client.get("/").content.decode()
    assert "Chiffres clés" in content
    assert "1\u202f234" in content


def test_email_helper_sends_after_commit_only(mailbox, django_capture_on_commit_callbacks):
    from tierslieux.core.emails import email_send

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email_send(name="signup-confirmation", to=["a@example.org"], context={"confirmation_path": "/x/"})
    assert mailbox.messages == []  # nothing before commit
    for callback in callbacks:
        callback()
    [message] = mailbox.wait_for("a@example.org")
    assert message.get_body(preferencelist=("html",)) is not None


def test_email_text_parts_are_not_html_escaped_but_the_html_part_is():
    from types import SimpleNamespace

    from tierslieux.core.emails import render_email

    user = SimpleNamespace(first_name="Zoé O'Brien & <Cie>")
    subject, text, html = render_email(
        "signup-confirmation", {"user": user, "confirmation_path": "/x/?a=1&b=2"}
    )
    assert "Bonjour Zoé O'Brien & <Cie>," in text and "/x/?a=1&b=2" in text
    assert "O&#x27;Brien &amp; &lt;Cie&gt;" in html and "<Cie>" not in html
    application = SimpleNamespace(reference="AMI-1 & <2>", call=SimpleNamespace(title="Fabriques"))
    message = SimpleNamespace(body="Bonjour", attachments=SimpleNamespace(exists=False))
    context = {"application": application, "message": message, "from_staff": True, "url": "/ami/1/"}
    subject, _text, _html = render_email("calls-message", context)
    assert subject == "Nouveau message — dossier AMI-1 & <2>"


def test_open_data_page_links_every_published_dataset(client):
    content = client.get("/donnees/").content.decode()
    for path in [
        "/lieux/export.csv",
        "/lieux/export.geojson",
        "/donnees/schema-tiers-lieux.json",
        "/diagnostic/export.csv",
        "/appels/laureats.csv",
        "/api/v1/docs",
    ]:
        assert f'href="{path}' in content, path


def test_every_page_links_the_whole_main_menu_and_footer(client):
    from django.urls import reverse

    from tierslieux.core.context_processors import FOOTER_LINKS, MAIN_MENU

    content = client.get("/a-propos/").content.decode()
    for label, name in MAIN_MENU + FOOTER_LINKS:
        assert label in content and f'href="{reverse(name)}"' in content, name
