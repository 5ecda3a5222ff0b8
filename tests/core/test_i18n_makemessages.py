"""End to end: Django's `makemessages` (GNU gettext's xgettext) extracts the platform's texts — templates, Python
and pure modules alike — without a warning: what a translator starts from."""

import io
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext absent (.ci/run installs it)")
def test_makemessages_extracts_every_text_without_warning(tmp_path, settings, monkeypatch):
    settings.LOCALE_PATHS = [tmp_path]
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    call_command(
        "makemessages",
        locale=["en"],
        no_wrap=True,
        ignore_patterns=[
            "node_modules/*",
            "tests/*",
            "bench/*",
            "staticfiles/*",
            "media/*",
            "private_media/*",
        ],
        stdout=out,
        stderr=out,
    )
    assert "warning" not in out.getvalue().lower(), out.getvalue()
    catalogue = (tmp_path / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    msgids = re.findall(r'^msgid "(.+)"$', catalogue, flags=re.MULTILINE)
    assert len(msgids) > 1500
    # One text of each kind: a template, a view, a pure module (through tierslieux.core.i18n), an email.
    for text in [
        "Déposer un dossier",
        "Votre profil est enregistré.",
        "Le lieu n’est pas encore ouvert.",
        "Pour activer votre compte sur la plateforme Tiers-Lieux, ouvrez ce lien :",
    ]:
        assert f'msgid "{text}"' in catalogue, text
