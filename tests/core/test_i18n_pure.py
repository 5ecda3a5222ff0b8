"""The pure modules translate through tierslieux.core.i18n: as written without Django, Django's active
language once the project runs."""

import subprocess
import sys

from django.utils import translation

from tierslieux.core import i18n


def test_django_translation_is_plugged_in():
    with translation.override("fr"):
        # A msgid of Django's own catalogue proves the call goes through Django.
        assert i18n.gettext("Close") == "Fermer"
        assert i18n.ngettext("%(n)s dossier", "%(n)s dossiers", 2) == "%(n)s dossiers"
    assert i18n.gettext_noop("Close") == "Close"


def test_without_django_the_texts_stay_as_written():
    code = (
        "import sys; from tierslieux.core import i18n; "
        "assert 'django' not in sys.modules; "
        "assert i18n.gettext('Close') == 'Close'; "
        "assert i18n.ngettext('un', 'plusieurs', 1) == 'un' and i18n.ngettext('un', 'plusieurs', 0) == 'un' and i18n.ngettext('un', 'plusieurs', 2) == 'plusieurs'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
