"""Forms of the call: configuration (staff) and the application steps (applicant). Thin: writes are services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from tierslieux.core.forms import required_to_submit
from tierslieux.geo.forms import CommuneField
from tierslieux.geo.models import Qpv
from tierslieux.places.models import LegalForm

from . import eligibility
from .models import Call, Criterion, Envelope, Question, QuestionKind, Wave

DATETIME_WIDGET = forms.DateTimeInput(
    attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S"
)
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"]


# --- Configuration -------------------------------------------------------------------------------------------
class CallForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Call
        fields = [
            "title",
            "summary",
            "description",
            "total_budget",
            "min_total_amount",
            "max_total_amount",
            "max_per_year",
            "years",
            "is_published",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 8})}
        help_texts = {"description": _("Markdown : titres (##), listes, liens, gras. Le HTML est filtré.")}


class EnvelopeForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Envelope
        fields = ["name", "code", "description", "max_laureates", "amount", "position"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"code": _("Court, sans espace (ex. « qpv ») ; laissé vide : tiré du nom.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False


class WaveForm(DsfrBaseForm, forms.ModelForm):
    opens_at = forms.DateTimeField(
        label=_("Ouverture (heure de Paris)"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    closes_at = forms.DateTimeField(
        label=_("Clôture (heure de Paris, à la seconde)"),
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
    )

    class Meta:
        model = Wave
        fields = ["name", "opens_at", "closes_at", "target_laureates", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("La clôture doit suivre l’ouverture."))
        return data


class CriterionForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "description", "weight", "position"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class QuestionForm(DsfrBaseForm, forms.ModelForm):
    choices_text = forms.CharField(
        label=_("Choix possibles (un par ligne)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    class Meta:
        model = Question
        fields = ["label", "help_text", "kind", "required", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["choices_text"] = "\n".join(self.instance.choices or [])

    def clean(self):
        data = super().clean()
        choices = [line.strip() for line in (data.get("choices_text") or "").splitlines() if line.strip()]
        if data.get("kind") == QuestionKind.CHOICE and len(choices) < 2:
            self.add_error("choices_text", _("Une question à choix propose au moins deux choix."))
        data["choices"] = choices if data.get("kind") == QuestionKind.CHOICE else []
        return data


class RuleForm(DsfrBaseForm):
    """A rule composed from the list of condition kinds; the parameters of every kind are shown, only those of
    the chosen kind are used (works without JavaScript)."""

    name = forms.CharField(
        label=_("Nom de la règle"),
        max_length=200,
        required=False,
        help_text=_("Laissé vide : la condition et ses paramètres."),
    )
    kind = forms.ChoiceField(label=_("Condition"))
    envelopes = forms.ModelMultipleChoiceField(
        label=_("Enveloppes concernées (aucune : toutes)"),
        queryset=Envelope.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    wave = forms.ModelChoiceField(
        label=_("Vague concernée (vide : toutes)"), queryset=Wave.objects.none(), required=False
    )

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(code, kind.label) for code, kind in eligibility.REGISTRY.items()]
        self.fields["envelopes"].queryset = call.envelopes.all()
        self.fields["wave"].queryset = call.waves.all()
        for code, kind in eligibility.REGISTRY.items():
            for param in kind.params:
                name = f"{code}__{param.name}"
                label = f"{kind.label} — {param.label}"
                if param.type == "choices":
                    field = forms.MultipleChoiceField(
                        label=label,
                        choices=param.choices,
                        required=False,
                        widget=forms.CheckboxSelectMultiple,
                    )
                elif param.type == "choice":
                    field = forms.ChoiceField(label=label, choices=param.choices, required=False)
                elif param.type == "bool":
                    field = forms.BooleanField(label=label, required=False)
                else:
                    field = forms.IntegerField(label=label, required=False, min_value=0, max_value=1200)
                self.fields[name] = field

    def param_fields(self):
        return [self[name] for name in self.fields if "__" in name]

    def main_fields(self):
        return [self[name] for name in ("name", "kind", "envelopes", "wave")]

    def clean(self):
        data = super().clean()
        kind = eligibility.REGISTRY.get(data.get("kind") or "")
        if kind is None:
            return data
        raw = {param.name: data.get(f"{kind.code}__{param.name}") for param in kind.params}
        try:
            data["params"] = kind.clean_params(raw)
        except ValueError as error:
            self.add_error(None, str(error))
        return data


class StaffForm(DsfrBaseForm):
    staff = forms.ModelMultipleChoiceField(
        label=_("Équipe de l’appel"), queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = queryset
        self.fields["staff"].label_from_instance = lambda user: user.display_name


# --- Applying ------------------------------------------------------------------------------------------------
class RevisionMixin(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    tab = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)


class PlaceChoiceForm(RevisionMixin, DsfrBaseForm):
    place = forms.ModelChoiceField(
        label=_("Tiers-lieu porteur du projet"),
        queryset=None,
        empty_label=_("— Choisir un lieu que je gère —"),
    )
    qpv = forms.ModelChoiceField(
        label=_("Quartier prioritaire (QPV) où se situe le projet"),
        queryset=Qpv.objects.none(),
        required=False,
        empty_label=_("Aucun : le projet n’est pas en QPV"),
        help_text=_("Parmi les QPV de la commune du lieu ; l’équipe le confirmera."),
    )

    def __init__(self, *args, places, qpvs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places
        self.fields["qpv"].queryset = qpvs


class ProjectPlaceForm(RevisionMixin, DsfrBaseForm):
    name = forms.CharField(label=_("Nom du lieu en projet"), max_length=200)
    address = forms.CharField(label=_("Adresse"), max_length=300, required=False)
    postcode = forms.CharField(label=_("Code postal"), max_length=5)
    commune = CommuneField(label=_("Commune"))
    legal_form = forms.ChoiceField(
        label=_("Forme juridique de la structure porteuse"), choices=[c for c in LegalForm.choices if c[0]]
    )


class ProjectForm(RevisionMixin, DsfrBaseForm):
    project_title = forms.CharField(label=_("Titre du projet"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("Résumé du projet"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    project_description = forms.CharField(
        label=_("Description du projet"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    activities = forms.CharField(
        label=_("Activités prévues"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    partners = forms.CharField(
        label=_("Partenaires"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )
    governance = forms.CharField(
        label=_("Gouvernance"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = [q for q in questions if q.kind != QuestionKind.FILE]
        for question in self.questions:
            name = f"q_{question.pk}"
            label = question.label
            if question.kind == QuestionKind.NUMBER:
                field = forms.IntegerField(label=label, required=False)
            elif question.kind == QuestionKind.CHOICE:
                field = forms.ChoiceField(
                    label=label, required=False, choices=[("", "—"), *[(c, c) for c in question.choices]]
                )
            else:
                field = forms.CharField(
                    label=label, required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
                )
            field.help_text = question.help_text
            if question.required:
                required_to_submit(field)  # may stay empty in the draft; the submission asks for it
            self.fields[name] = field
        for name in ("project_title", "summary", "project_description"):  # services.REQUIRED_PROJECT_FIELDS
            required_to_submit(self.fields[name])

    def values(self) -> dict:
        data = self.cleaned_data
        answers = {str(q.pk): data.get(f"q_{q.pk}") for q in self.questions}
        answers = {k: ("" if v is None else v) for k, v in answers.items()}
        fields = ("project_title", "summary", "project_description", "activities", "partners", "governance")
        return {name: data[name] for name in fields} | {"answers": answers}


class AttachmentForm(DsfrBaseForm):
    title = forms.CharField(label=_("Intitulé de la pièce"), max_length=200, required=False)
    question = forms.ModelChoiceField(
        label=_("Répond à la question"),
        queryset=Question.objects.none(),
        required=False,
        empty_label=_("Pièce libre"),
    )
    file = forms.FileField(label=_("Fichier (PDF, ODT, DOCX, PNG ou JPEG ; 10 Mo au plus)"))

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = call.questions.filter(kind=QuestionKind.FILE)
        if not self.fields["question"].queryset.exists():
            del self.fields["question"]


class EnvelopeChoiceForm(RevisionMixin, DsfrBaseForm):
    envelope = forms.ModelChoiceField(
        label=_("Enveloppe dans laquelle concourir"),
        queryset=Envelope.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, envelopes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["envelope"].queryset = envelopes


class CorrectionsForm(DsfrBaseForm):
    message = forms.CharField(
        label=_("Corrections demandées"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    deadline = forms.DateTimeField(
        label=_("Date limite (heure de Paris)"),
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
        required=False,
    )


class MessageForm(DsfrBaseForm):
    body = forms.CharField(
        label=_("Votre message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )
    files = forms.FileField(
        label=_("Pièce jointe (PDF, ODT, DOCX, PNG ou JPEG ; 10 Mo au plus)"), required=False
    )


class ReasonForm(DsfrBaseForm):
    reason = forms.CharField(
        label=_("Motif"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )
