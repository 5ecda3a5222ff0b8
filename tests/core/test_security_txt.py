"""How to report a vulnerability: /.well-known/security.txt (RFC 9116) and the legal page give the configured
address; the file is valid for a year ahead."""

from datetime import UTC, datetime, timedelta

import pytest

pytestmark = pytest.mark.django_db


def _fields(text: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in text.strip().splitlines())


def test_security_txt_names_the_contact_and_expires_within_a_year(client, settings):
    settings.SECURITY_CONTACT_EMAIL = "securite@anct.example"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    fields = _fields(response.content.decode())
    assert fields["Contact"] == "mailto:securite@anct.example"
    assert fields["Canonical"] == "http://testserver/.well-known/security.txt"
    assert fields["Preferred-Languages"] == "fr, en"
    expires = datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    now = datetime.now(UTC)
    assert now + timedelta(days=360) < expires <= now + timedelta(days=366)
    assert fields["Policy"] == "http://testserver/mentions-legales/#securite"


def test_the_legal_page_says_where_to_report(client, settings):
    settings.SECURITY_CONTACT_EMAIL = "securite@anct.example"
    html = client.get("/mentions-legales/").content.decode()
    assert 'id="securite"' in html and "écrivez à securite@anct.example" in html
    assert 'href="/.well-known/security.txt"' in html
