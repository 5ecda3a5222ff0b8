from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from tierslieux.geo.forms import CommuneTextField

from ..models import CATEGORIES, Kind, ReportReason, Side, Skill, Terms
from . import CommuneField, DateInput, place_field


def category_choices():
    return [(str(Kind(kind).label), list(choices.choices)) for kind, choices in CATEGORIES.items()]


class ListingForm(DsfrBaseForm):
    side = forms.ChoiceField(label=_("Sens"), choices=Side.choices, widget=forms.RadioSelect)
    kind = forms.ChoiceField(label=_("Nature"), choices=Kind.choices)
    category = forms.ChoiceField(
        label=_("Catégorie"),
        choices=category_choices,
        help_text=_(
            "Choisissez une catégorie de la nature choisie (les équipements reprennent ceux des lieux)."
        ),
    )
    title = forms.CharField(label=_("Titre"), max_length=150)
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown accepté (listes, gras, liens)."),
    )
    tags = forms.CharField(
        label=_("Mots-clés"),
        max_length=400,
        required=False,
        help_text=_("Séparés par des virgules, dix au plus."),
    )
    place = None  # set in __init__
    commune = CommuneField(
        required=False, help_text=_("Obligatoire à titre personnel ; sinon, la commune du lieu.")
    )
    radius_km = forms.IntegerField(
        label=_("Rayon (km)"),
        initial=30,
        help_text=_("Jusqu’où vous vous déplacez ou acceptez de venir : de 1 à 500 km."),
    )
    terms = forms.ChoiceField(label=_("Conditions"), choices=Terms.choices)
    terms_note = forms.CharField(label=_("Précisions sur les conditions"), max_length=300, required=False)
    capacity = forms.IntegerField(
        label=_("Capacité (personnes, pour un espace)"), required=False, min_value=1
    )
    price_min = forms.IntegerField(label=_("Prix minimum (€, pour un espace)"), required=False, min_value=0)
    price_max = forms.IntegerField(label=_("Prix maximum (€, pour un espace)"), required=False, min_value=0)
    valid_from = forms.DateField(label=_("Valable à partir du"), widget=DateInput(), required=False)
    valid_until = forms.DateField(label=_("Valable jusqu’au"), widget=DateInput())

    field_order = [
        "side",
        "kind",
        "category",
        "title",
        "description",
        "tags",
        "place",
        "commune",
        "radius_km",
        "terms",
        "terms_note",
        "capacity",
        "price_min",
        "price_max",
        "valid_from",
        "valid_until",
    ]

    def __init__(self, *args, places=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"] = place_field(places)
        self.order_fields(self.field_order)


class ProfileForm(DsfrBaseForm):
    is_public = forms.BooleanField(
        label=_("Rendre mon profil public"),
        required=False,
        help_text=_(
            "Votre nom, vos compétences et votre commune apparaissent dans le réseau ; jamais votre adresse électronique."
        ),
    )
    skills = forms.MultipleChoiceField(
        label=_("Compétences"), choices=Skill.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    tags = forms.CharField(label=_("Autres mots-clés"), max_length=400, required=False)
    commune = CommuneField(required=False)
    bio = forms.CharField(
        label=_("Présentation"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    notify_matches = forms.BooleanField(
        label=_("Me prévenir par courriel des annonces qui correspondent aux miennes"),
        required=False,
        initial=True,
    )


class ReportForm(DsfrBaseForm):
    reason = forms.ChoiceField(label=_("Motif"), choices=ReportReason.choices)
    message = forms.CharField(
        label=_("Précisions"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AroundForm(DsfrBaseForm):
    around = CommuneTextField(label=_("Commune ou code postal"), max_length=100, required=False)
    radius = forms.IntegerField(label=_("Rayon (km)"), required=False, initial=30)


class ListingFilterForm(DsfrBaseForm):
    side = forms.ChoiceField(label=_("Sens"), choices=[("", _("Tout")), *Side.choices], required=False)
    kind = forms.ChoiceField(label=_("Nature"), choices=[("", _("Toutes")), *Kind.choices], required=False)
    q = forms.CharField(label=_("Mots"), max_length=100, required=False)
    around = CommuneTextField(label=_("Autour de (commune ou code postal)"), max_length=100, required=False)
    radius = forms.IntegerField(label=_("Rayon (km)"), required=False)
