"""Forms of the selection pages: optimiser parameters, scenario name, comparison of two scenarios."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from . import selectors


def _int(label, help_text="", **kwargs):
    return forms.IntegerField(label=label, help_text=help_text, required=False, min_value=0, **kwargs)


class ParametersForm(DsfrBaseForm):
    """The optimiser's settings for one wave; initial values from `selectors.default_parameters`."""

    points_per_10k = forms.FloatField(
        label=_("λ : points de note cédés pour couvrir 10 000 habitants de plus"),
        help_text=_(
            "Combien de points de note le comité accepte de perdre pour amener 10 000 habitants de plus "
            "des communes cibles à moins de R km d’un lieu. 0 : la note seule compte. Par défaut 0,1 "
            "(un point pour 100 000 habitants)."
        ),
        min_value=0,
        max_value=1000,
    )
    radius_km = forms.FloatField(
        label=_("Rayon de couverture R (km)"),
        help_text=_("Une commune est couverte quand un lieu se trouve à moins de R km de sa mairie."),
        min_value=1,
        max_value=100,
    )
    existing_network = forms.ChoiceField(
        label=_("Réseau existant"),
        choices=selectors.EXISTING_NETWORKS,
        widget=forms.RadioSelect,
        help_text=_(
            "Les lieux qui couvrent déjà une commune : la sélection ne gagne rien à couvrir ces communes. "
            "Les lieux des lauréats de l’appel s’y ajoutent toujours."
        ),
    )
    targets = forms.ChoiceField(label=_("Communes cibles"), choices=selectors.TARGET_CHOICES)
    max_laureates = _int(
        _("Nombre maximal de lauréats de la vague"), _("Vide : pas de plafond."), max_value=10_000
    )
    total_budget = _int(
        _("Budget total de la vague (€, toutes années)"),
        _("Par défaut : le budget de l’appel non encore accordé."),
    )
    yearly_budget = _int(_("Budget par année (€)"), _("Vide : pas de plafond annuel."))
    min_per_region = _int(
        _("Au moins k lauréats par région"), _("Parmi les régions où un dossier est déposé.")
    )
    max_per_region = _int(_("Au plus k lauréats par région"))
    min_per_department = _int(
        _("Au moins k lauréats par département"), _("Parmi les départements où un dossier est déposé.")
    )
    max_per_department = _int(_("Au plus k lauréats par département"))
    one_per_epci = forms.BooleanField(label=_("Au plus un lauréat par EPCI"), required=False)
    unlabelled_departments = forms.BooleanField(
        label=_("Au moins un lauréat dans chaque département sans lieu labellisé"),
        help_text=_("Parmi les départements où un dossier est déposé."),
        required=False,
    )
    time_limit_s = forms.IntegerField(
        label=_("Temps de calcul maximal (secondes)"),
        help_text=_("Au-delà, la meilleure sélection trouvée est rendue avec son écart d’optimalité prouvé."),
        min_value=1,
        max_value=600,
    )

    def __init__(self, *args, wave, **kwargs):
        defaults = selectors.default_parameters(wave)
        initial = {k: v for k, v in defaults.items() if k != "envelopes"}
        self.envelope_fields: dict[str, str] = {}
        envelopes = list(wave.call.envelopes.all())
        for envelope in envelopes:
            initial[f"envelope_{envelope.code}"] = defaults["envelopes"].get(envelope.code)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for envelope in envelopes:
            name = f"envelope_{envelope.code}"
            self.fields[name] = _int(
                _("Places dans l’enveloppe « %(name)s »") % {"name": envelope.name},
                _("Par défaut : les places restantes de l’enveloppe. Vide : pas de plafond."),
                max_value=100_000,
            )
            self.envelope_fields[envelope.code] = name
        envelope_names = list(self.envelope_fields.values())
        head = [f for f in self.fields if f not in envelope_names]
        at = head.index("max_laureates") + 1
        self.order_fields(head[:at] + envelope_names + head[at:])

    def clean(self):
        data = super().clean()
        for scope, message in (
            ("region", _("Le minimum par région dépasse le maximum.")),
            ("department", _("Le minimum par département dépasse le maximum.")),
        ):
            low, high = data.get(f"min_per_{scope}"), data.get(f"max_per_{scope}")
            if low is not None and high is not None and low > high:
                self.add_error(f"min_per_{scope}", message)
        return data

    def parameters(self) -> dict:
        """The JSON parameters of a run (call is_valid() first)."""
        data = dict(self.cleaned_data)
        envelopes = {code: data.pop(name) for code, name in self.envelope_fields.items()}
        data["envelopes"] = envelopes
        for key in ("min_per_region", "min_per_department"):
            if not data.get(key):
                data[key] = None
        return data


class SaveForm(DsfrBaseForm):
    name = forms.CharField(label=_("Nom du scénario"), max_length=120)


class CompareForm(DsfrBaseForm):
    a = forms.ModelChoiceField(label=_("Scénario A"), queryset=None)
    b = forms.ModelChoiceField(label=_("Scénario B"), queryset=None)

    def __init__(self, *args, runs, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("a", "b"):
            self.fields[name].queryset = runs
            self.fields[name].label_from_instance = lambda run: run.display_name

    def clean(self):
        data = super().clean()
        if data.get("a") and data.get("a") == data.get("b"):
            raise forms.ValidationError(_("Choisissez deux scénarios différents."))
        return data
