"""Forms of the network pages; validation of meaning lives in the services (French messages)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from tierslieux.geo import forms as geo_forms


class CommuneField(geo_forms.CommuneField):
    """The commune of a listing, an event, a mentoring request or a profile: the commune combobox
    (`geo.forms.CommuneField`): the INSEE code the autocomplete chose wins while the text still names it;
    otherwise the text is resolved by `geo.resolution.commune_resolve`, which names an unknown or ambiguous
    commune in French. What was typed stays in the field on errors."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Commune ou code postal"))
        super().__init__(**kwargs)


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
