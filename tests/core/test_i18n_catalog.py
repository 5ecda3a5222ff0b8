"""Our msgids are French texts. When one of them is also an English msgid of Django, django-dsfr or another
installed catalogue ("Close", "Note"…), French pages would show that catalogue's translation ("Fermer") instead
of our text. Every msgid of our templates and Python code must translate to itself in French (or be given a
context: `{% translate "Close" context "wave status" %}`)."""

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(
    path
    for folder in (ROOT / "templates", ROOT / "tierslieux")
    for path in folder.glob("**/*")
    if path.suffix in {".html", ".txt", ".py"} and "migrations" not in path.parts
)
LITERAL = r"u?'(?:[^'\\]|\\.)*'"
CALL = re.compile(rf"\b(gettext|pgettext|ngettext|npgettext)\(((?:{LITERAL}\s*,\s*)*{LITERAL})")
PY_FUNCTIONS = {
    "_": "gettext",
    "gettext": "gettext",
    "gettext_lazy": "gettext",
    "gettext_noop": "gettext",
    "pgettext": "pgettext",
    "pgettext_lazy": "pgettext",
    "ngettext": "ngettext",
    "ngettext_lazy": "ngettext",
    "npgettext": "npgettext",
    "npgettext_lazy": "npgettext",
}


def messages(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """(function, literal arguments) of each translation call of a template or Python file."""
    source = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        found = []
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                strings = [
                    a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
                ]
                if name in PY_FUNCTIONS and strings:
                    found.append((PY_FUNCTIONS[name], tuple(strings)))
        return found
    if "{% translate" not in source and "{% blocktranslate" not in source and "_(" not in source:
        return []
    return [
        (function, tuple(ast.literal_eval(literal) for literal in re.findall(LITERAL, arguments)))
        for function, arguments in CALL.findall(templatize(source, origin=str(path)))
    ]


def translated(function: str, args: tuple[str, ...]) -> list[tuple[str, str]]:
    """(expected, obtained) pairs in French for one translation call."""
    if function == "gettext":
        return [(args[0], translation.gettext(args[0]))]
    if function == "pgettext" and len(args) >= 2:
        return [(args[1], translation.pgettext(args[0], args[1]))]
    if function == "ngettext" and len(args) >= 2:
        return [
            (args[0], translation.ngettext(args[0], args[1], 1)),
            (args[1], translation.ngettext(*args[:2], 5)),
        ]
    if function == "npgettext" and len(args) >= 3:
        return [
            (args[1], translation.npgettext(*args[:3], 1)),
            (args[2], translation.npgettext(*args[:3], 5)),
        ]
    return []


def test_the_checker_sees_a_clash_with_django_catalogue():
    with translation.override("fr"):
        assert translated("gettext", ("Close",)) == [("Close", "Fermer")]
        assert translated("pgettext", ("wave status", "Close")) == [("Close", "Close")]


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_our_french_msgids_translate_to_themselves(path):
    with translation.override("fr"):
        clashes = [
            f"« {expected} » devient « {obtained} »"
            for function, args in messages(path)
            for expected, obtained in translated(function, args)
            if obtained != expected
        ]
    assert not clashes, "Un autre catalogue traduit nos textes : " + "; ".join(clashes)
