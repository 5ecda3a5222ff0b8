"""One labelling convention for required fields (DSFR): required unmarked, optional "(Optionnel)", the same
everywhere; fields of a draft needed to submit are not called optional; no label says both."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django import forms

from tierslieux.core.forms import FormRenderer, is_marked_optional, optional_group, required_to_submit

ROOT = Path(__file__).resolve().parents[2] / "tierslieux"
CONTRADICTIONS = re.compile(r"\((?:facultatif|obligatoire[^)]*|optionnel|si [^)]*)\)|\bFacultatif\b", re.I)
FIELD_TEXT = re.compile(r"(?:label|help_text)\s*=\s*_\(\s*\"([^\"]*)\"", re.S)


def test_no_label_or_help_text_states_its_own_requirement():
    """Labels and help texts never say "(facultatif)", "(obligatoire …)", "(si …)": the marker does."""
    found = []
    for path in ROOT.glob("**/*.py"):
        if "migrations" in path.parts:
            continue
        for text in FIELD_TEXT.findall(path.read_text()):
            if CONTRADICTIONS.search(text):
                found.append(f"{path.relative_to(ROOT)}: {text}")
    assert not found, found


def render_label(form: forms.Form, name: str) -> str:
    html = str(form[name].as_field_group())
    html = re.sub(r'<span class="fr-hint-text"[^>]*>.*?</span>', "", html, flags=re.S)
    match = re.search(r"<label[^>]*>(.*?)</label>|<legend[^>]*>(.*?)</legend>", html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1) or match.group(2)).split())


class Sample(forms.Form):
    default_renderer = FormRenderer
    name = forms.CharField(label="Nom")
    website = forms.CharField(label="Site", required=False)
    draft_title = required_to_submit(forms.CharField(label="Titre", required=False))
    opens = forms.TimeField(label="Ouverture", required=False)
    agree = forms.BooleanField(label="J’accepte", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        optional_group(self.fields["opens"])


def test_the_marker_follows_the_convention():
    from dsfr.forms import DsfrBaseForm

    class Form(DsfrBaseForm, Sample):
        pass

    form = Form()
    assert render_label(form, "name") == "Nom"
    assert render_label(form, "website") == "Site (Optionnel)"
    assert render_label(form, "draft_title") == "Titre"
    assert render_label(form, "opens") == "Ouverture"
    assert "Optionnel" not in render_label(form, "agree")
    assert not is_marked_optional(forms.CharField(widget=forms.HiddenInput, required=False))


def test_application_form_marks_only_what_may_stay_empty(db):
    from tierslieux.calls.forms import ProjectForm
    from tierslieux.calls.models import QuestionKind

    questions = [
        SimpleNamespace(
            pk=1,
            label="Le lieu est-il déjà ouvert au public ?",
            help_text="",
            kind=QuestionKind.CHOICE,
            choices=["Oui", "Non"],
            required=True,
        ),
        SimpleNamespace(
            pk=2,
            label="Nombre d’usagers",
            help_text="Par an",
            kind=QuestionKind.NUMBER,
            choices=[],
            required=False,
        ),
    ]
    form = ProjectForm(questions=questions)
    assert render_label(form, "project_title") == "Titre du projet"
    assert render_label(form, "summary") == "Résumé du projet"
    assert render_label(form, "activities") == "Activités prévues (Optionnel)"
    assert render_label(form, "q_1") == "Le lieu est-il déjà ouvert au public ?"
    assert render_label(form, "q_2").startswith("Nombre d’usagers (Optionnel)")
    html = str(form)
    assert "obligatoire" not in html and "(Optionnel) (Optionnel)" not in html


def test_review_and_decision_forms(db):
    from tierslieux.calls.review.forms import ConflictForm, DecisionForm, ReviewForm

    criterion = SimpleNamespace(pk=7, name="Ancrage territorial", description="", scale_max=5, weight=2)
    review = ReviewForm(criteria=[criterion])
    assert "Optionnel" not in render_label(review, "score_7")  # every note is needed to submit
    assert render_label(review, "comment_7").endswith("(Optionnel)")
    assert render_label(ConflictForm(), "details") == "Précisions (Optionnel)"
    from tierslieux.calls.models import Envelope

    call = SimpleNamespace(envelopes=SimpleNamespace(all=Envelope.objects.none), years=2, max_per_year=50_000)
    decision = DecisionForm(call=call)
    for name in ("envelope", "motivation", "amount_1"):
        assert "Optionnel" not in render_label(decision, name), name


def test_manager_form_hours_are_optional_as_a_group(db):
    from tierslieux.places.contributions.manage_forms import ExceptionForm, ManagerPlaceForm

    form = ManagerPlaceForm()
    assert render_label(form, "hours_mo_1_start") == "Ouverture"
    assert render_label(form, "website") == "Site web (Optionnel)"
    assert render_label(form, "name") == "Nom du lieu"
    assert render_label(ExceptionForm(), "start") == "Du"


@pytest.mark.parametrize("url", ["/lieux/contribuer/proposer/", "/comptes/inscription/"])
def test_forms_state_the_convention_once(client, db, url):
    html = client.get(url).content.decode()
    assert html.count("Sauf mention « (Optionnel) »") == 1
    assert "(facultatif)" not in html.lower() and "Facultatif" not in html
