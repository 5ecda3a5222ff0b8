"""Translation for the pure modules, which import nothing from Django (eligibility, budget and workflow of the
calls, the selection optimiser, the commune classification…).

They write `from tierslieux.core.i18n import gettext as _` (and `ngettext`, `gettext_noop`) exactly as Django
code does, so `manage.py makemessages` extracts their texts like the others. Used alone (scripts, benchmarks,
unit tests without Django) the texts stay as written, in French; once Django is set up, `CoreConfig.ready()`
plugs Django's functions in and the texts follow the active language.
"""

from __future__ import annotations

from collections.abc import Callable


def _same(message: str) -> str:
    return message


def _same_plural(singular: str, plural: str, number: int) -> str:
    # The texts are French: 0 and 1 take the singular.
    return plural if abs(number) >= 2 else singular


_functions: dict[str, Callable[..., str]] = {"gettext": _same, "ngettext": _same_plural}


def gettext(message: str) -> str:
    """`message` in the active language (as written when no translation is installed)."""
    return _functions["gettext"](message)


def ngettext(singular: str, plural: str, number: int) -> str:
    """The singular or plural form for `number`, in the active language."""
    return _functions["ngettext"](singular, plural, number)


def gettext_noop(message: str) -> str:
    """Mark `message` for translation without translating it now (module-level tables): translate it with
    `gettext` where it is shown."""
    return message


def install(*, gettext: Callable[[str], str], ngettext: Callable[[str, str, int], str]) -> None:
    """Route the pure modules' texts through these functions (Django's, from `CoreConfig.ready()`)."""
    _functions.update(gettext=gettext, ngettext=ngettext)
