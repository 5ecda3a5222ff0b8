"""Forms of the network pages; validation of meaning lives in the services (French messages)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from tierslieux.places.selectors import commune_for_text


class CommuneField(forms.CharField):
    """A commune typed as a name or a postcode, resolved like the atlas does."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Commune ou code postal"))
        kwargs.setdefault("max_length", 100)
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        commune = commune_for_text(text)
        if commune is None:
            raise forms.ValidationError(
                _("Commune ou code postal introuvable : « %(value)s ».") % {"value": text[:60]}
            )
        return commune

    def prepare_value(self, value):
        return getattr(value, "name", value)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def place_field(places, *, required: bool = False, label=None, help_text=""):
    return forms.ModelChoiceField(
        queryset=places,
        required=required,
        label=label or _("Au nom du lieu"),
        empty_label=_("— À titre personnel —") if not required else None,
        help_text=help_text,
    )


class MessageForm(DsfrBaseForm):
    message = forms.CharField(
        label=_("Votre message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Transmis par courriel ; la réponse vous parviendra directement. Aucune adresse n’est affichée."
        ),
    )
