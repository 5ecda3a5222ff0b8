"""Forms of the alerts: subscribe (page and box), ask for the management link."""

from __future__ import annotations

import json
import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from dsfr.forms import DsfrBaseForm

from .models import Frequency

INVALID_EMAIL = gettext_lazy("Saisissez une adresse électronique valide, par exemple nom@domaine.fr.")
CONSENT_TEXT = gettext_lazy(
    "J’accepte de recevoir ces alertes par courriel. Je peux me désabonner à tout moment, en un clic, depuis "
    "chaque message ; mon adresse ne sert qu’à ces alertes et n’est jamais publiée."
)
SOURCE = re.compile(r"[a-z0-9_.-]{1,60}")
RESERVED = {"stream", "source", "frequency", "email", "consent", "params", "page", "csrfmiddlewaretoken"}


def params_from_query(query) -> dict:
    """Stream parameters from a query string (QueryDict or dict): one value as text, several as a list."""
    params: dict = {}
    keys = query.keys() if hasattr(query, "keys") else []
    for key in keys:
        if key in RESERVED:
            continue
        values = query.getlist(key) if hasattr(query, "getlist") else [query[key]]
        values = [value for value in values if str(value).strip()]
        if values:
            params[key] = values[0] if len(values) == 1 else values
    return params


class SubscribeForm(DsfrBaseForm):
    email = forms.EmailField(
        label=gettext_lazy("Adresse électronique"),
        help_text=gettext_lazy("Format attendu : nom@domaine.fr"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": INVALID_EMAIL},
    )
    frequency = forms.ChoiceField(
        label=gettext_lazy("Fréquence"), choices=Frequency.choices, initial=Frequency.WEEKLY
    )
    consent = forms.BooleanField(label=CONSENT_TEXT)
    stream = forms.CharField(widget=forms.HiddenInput, max_length=60)
    params = forms.CharField(widget=forms.HiddenInput, required=False, max_length=4000)
    source = forms.CharField(widget=forms.HiddenInput, required=False, max_length=60)

    def clean_params(self) -> dict:
        raw = self.cleaned_data.get("params") or "{}"
        try:
            value = json.loads(raw)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Les paramètres de l’alerte sont illisibles : rechargez la page."))
        return value

    def clean_source(self) -> str:
        source = (self.cleaned_data.get("source") or "").strip()
        return source if SOURCE.fullmatch(source) else "alerts.page"


class ManageRequestForm(DsfrBaseForm):
    email = forms.EmailField(
        label=gettext_lazy("Adresse électronique"),
        help_text=gettext_lazy("Format attendu : nom@domaine.fr"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": INVALID_EMAIL},
    )
