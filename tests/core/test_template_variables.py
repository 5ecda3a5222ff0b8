"""The suite's `string_if_invalid` (config/settings/test.py): an undefined variable in a template of ours fails
the test, even behind `|default`; an optional relation (a lookup through None) and third-party templates render
as in production."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template import Context, Template, engines
from django.template.base import Origin

from config.settings.test import UndefinedTemplateVariableError


def _template(source: str, *, ours: bool) -> Template:
    directory = settings.BASE_DIR / "templates" if ours else settings.BASE_DIR / ".venv" / "site-packages"
    origin = Origin(name=str(directory / "check.html"), template_name="check.html")
    return Template(source, origin=origin, engine=engines["django"].engine)


@pytest.fixture(autouse=True)
def _failing(monkeypatch):
    monkeypatch.delenv("TL_TEMPLATE_VARS_RECORD", raising=False)


@pytest.mark.parametrize(
    "source",
    [
        "{{ home_url }}",
        "{{ home_url|default:'/' }}",
        "{{ place.nmae }}",
        "{% blocktranslate %}{{ x }}{% endblocktranslate %}",
    ],
)
def test_an_undefined_variable_of_ours_fails(source):
    template = _template("{% load i18n %}" + source, ours=True)
    with pytest.raises(
        UndefinedTemplateVariableError, match=r"Undefined template variable .* in '.*check.html'"
    ):
        template.render(Context({"place": SimpleNamespace(name="La Ruche")}))


def test_a_lookup_through_none_is_an_optional_relation():
    template = _template("{{ application.envelope.name|default:'—' }}", ours=True)
    assert template.render(Context({"application": SimpleNamespace(envelope=None)})) == "—"


def test_defined_variables_and_if_tests_render():
    template = _template("{% if missing %}no{% endif %}{{ place.name }}", ours=True)
    assert template.render(Context({"place": SimpleNamespace(name="La Ruche")})) == "La Ruche"


def test_third_party_templates_render_as_in_production():
    template = _template("{{ optional|default:'défaut' }}|{{ optional }}|{{ a.b.c|upper }}", ours=False)
    assert template.render(Context({})) == "défaut||"
