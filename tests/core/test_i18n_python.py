"""Texts a person reads that come from Python (messages, form labels and errors, menu entries, services'
refusals, model labels, eligibility explanations, optimiser reasons) go through gettext, like the templates'
texts (see test_i18n.py): Django's in the interface layer, `tierslieux.core.i18n` in the pure modules.

Checked: views, forms, services, selectors, models, context processors, template tags, and the pure modules
that write texts (calls eligibility, budget and workflow, geo classification, opening hours, the selection
optimiser, the observatory's figures, charts and catalogue). Not checked, on purpose: data loaders and
management commands (operator output), export column names (a published schema) and API descriptions
(documentation for developers)."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "tierslieux"
INTERFACE = re.compile(
    r"/(views|forms|services|selectors|models|context_processors|committee)\.py$"
    r"|/(views|services|models|templatetags)/[^/]+\.py$"
    r"|/calls/(eligibility|budget|workflow)\.py$|/geo/classification\.py$|/places/hours\.py$"
    r"|/selection/optimiser/[^/]+\.py$"
    r"|/observatory/(figures|charts|catalogue/[^/]+)\.py$"
)
MODULES = sorted(
    path
    for path in PACKAGE.glob("**/*.py")
    if "migrations" not in path.parts and INTERFACE.search(path.as_posix())
)

FRENCH = re.compile(
    r"[éèêëàâçùûôîïÉÈÀÇ’]|\b(le|la|les|des|du|une|un|est|sont|pour|dans|avec|vous|votre|vos|aucun|aucune|"
    r"cette|ces|sur|par|pas|ne|au|aux)\b",
    re.IGNORECASE,
)
GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "gettext_noop",
}
# The State's name in the DSFR "bloc-marque" stays French in every language.
KEPT = {"République<br>française"}


def untranslated_strings(source: str) -> list[tuple[int, str]]:
    """(line, text) of each French string literal of `source` outside a gettext call (docstrings apart)."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    docstrings = {
        node.body[0].value
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or node in docstrings:
            continue
        text = node.value.strip()
        if len(text) < 3 or text in KEPT or not FRENCH.search(text) or _in_gettext(node, parents):
            continue
        found.append((node.lineno, text))
    return sorted(found)


def _in_gettext(node: ast.AST, parents: dict) -> bool:
    parent = parents.get(node)
    while parent is not None and not isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)):
        if isinstance(parent, ast.Call):
            name = getattr(parent.func, "id", None) or getattr(parent.func, "attr", None)
            if name in GETTEXT:
                return True
        parent = parents.get(parent)
    return False


def test_the_checker_finds_bare_french_and_accepts_gettext():
    source = '''
from django.utils.translation import gettext as _

def view(request, n):
    """Docstring in English, or en français : ignorée."""
    messages.success(request, "Le lieu est enregistré.")
    ok = _("Le lieu est enregistré.")
    also = _("%(n)s lieux") % {"n": n}
    title = f"Dossier {n} déposé"
    code = "fabrique_territoire"
'''
    assert untranslated_strings(source) == [(6, "Le lieu est enregistré."), (9, "déposé")]


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(ROOT)))
def test_interface_strings_are_translatable(path):
    bare = untranslated_strings(path.read_text(encoding="utf-8"))
    assert not bare, "Texte hors gettext : " + "; ".join(f"ligne {line} « {text} »" for line, text in bare)
