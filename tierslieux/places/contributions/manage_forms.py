"""The form of a place's managers: everything the place record holds, in sections (presentation, address,
weekly hours and exceptions, contact, accessibility, services and equipment, structure, labels, social links).
Validation of the values themselves is the services' (French messages put back on the fields)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from tierslieux.core.forms import optional_group
from tierslieux.places.hours import DAY_LABELS, DAYS
from tierslieux.places.models import (
    Accessibility,
    ContactRoute,
    EquipmentCategory,
    Label,
    LegalForm,
    PlaceStatus,
)

from .forms import PlaceDataForm

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SLOTS = (1, 2)
MAX_SOCIAL_LINKS = 5
# The fields a manager edits beyond PlaceDataForm's (the labels go through staff confirmation, see
# services.place_edit); the commune and the point are PlaceDataForm's CommuneField and PointField.
MANAGER_EXTRA_FIELDS = (
    "opening_date",
    "opening_hours",
    "opening_exceptions",
    "contact_route",
    "contact_phone",
    "contact_url",
    "contact_email",
    "accessibility",
    "equipment",
    "legal_form",
    "siret",
    "rna",
    "surface_m2",
    "labels",
    "social_links",
)


def hours_field(day: str, slot: int, end: bool) -> str:
    return f"hours_{day}_{slot}_{'end' if end else 'start'}"


class ManagerPlaceForm(PlaceDataForm):
    """PlaceDataForm (what anyone may propose) plus what only managers edit."""

    status = forms.ChoiceField(label=_("Statut"), choices=PlaceStatus.choices)
    opening_date = forms.DateField(label=_("Date d’ouverture"), required=False, widget=DATE)
    contact_route = forms.ChoiceField(
        label=_("Comment vous contacter ?"),
        choices=ContactRoute.choices,
        widget=forms.RadioSelect,
        initial=ContactRoute.FORM,
        help_text=_("Ce que la page du lieu propose aux visiteurs."),
    )
    contact_phone = forms.CharField(
        label=_("Téléphone affiché"),
        max_length=20,
        required=False,
        help_text=_("Par exemple 02 98 12 34 56 ; publié sur la page du lieu."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    contact_url = forms.CharField(
        label=_("Page de contact du site du lieu"),
        max_length=300,
        required=False,
        help_text=_("Format attendu : https://exemple.fr/contact"),
    )
    contact_email = forms.EmailField(
        label=_("Adresse qui reçoit les messages du formulaire"),
        required=False,
        help_text=_("Jamais publiée ; sans adresse, les messages vont aux gestionnaires du lieu."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    accessibility = forms.MultipleChoiceField(
        label=_("Accessibilité du lieu"),
        choices=Accessibility.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    legal_form = forms.ChoiceField(label=_("Forme juridique"), choices=LegalForm.choices, required=False)
    siret = forms.CharField(
        label=_("Numéro SIRET"),
        max_length=20,
        required=False,
        help_text=_("14 chiffres ; la clé de contrôle est vérifiée."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    rna = forms.CharField(
        label=_("Numéro RNA (association)"),
        max_length=12,
        required=False,
        help_text=_("W suivi de 9 caractères, par exemple W751234567."),
    )
    surface_m2 = forms.IntegerField(label=_("Surface (m²)"), required=False, min_value=1, max_value=999_999)
    labels = forms.MultipleChoiceField(
        label=_("Labels et réseaux du lieu"),
        choices=Label.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Un label ajouté ou retiré est confirmé par l’équipe du programme avant d’être affiché."),
    )
    social_links = forms.CharField(
        label=_("Réseaux sociaux"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Une adresse par ligne, cinq au plus (https://…)."),
    )
    reason = forms.CharField(
        label=_("Motif de la modification"),
        max_length=300,
        required=False,
        help_text=_("Visible dans l’historique du lieu."),
    )
    # Optimistic versioning: the version the person started from (places.services.place_version_token).
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for day in DAYS:
            for slot in SLOTS:
                for end in (False, True):
                    if slot == 1:
                        text = _("Fermeture") if end else _("Ouverture")
                    else:
                        text = _("Fermeture (2e plage)") if end else _("Réouverture (2e plage)")
                    self.fields[hours_field(day, slot, end)] = forms.TimeField(
                        label=text, required=False, widget=TIME, input_formats=["%H:%M", "%H:%M:%S"]
                    )
                    optional_group(self.fields[hours_field(day, slot, end)])  # the section says it once

    # --- Sections of the page (contributions/manage/edit.html) ------------------------------------------
    SECTIONS: ClassVar[dict[str, tuple[str, ...]]] = {
        "presentation": (
            "name",
            "types",
            "short_description",
            "description",
            "status",
            "opening_date",
            "website",
        ),
        "address": ("address", "postcode", "commune", "point"),
        "contact": ("contact_route", "contact_phone", "contact_url", "contact_email"),
        "accessibility": ("accessibility",),
        "services": ("services",),
        "structure": ("legal_form", "siret", "rna", "surface_m2"),
        "labels": ("labels",),
        "social": ("social_links",),
        "reason": ("reason",),
    }

    @property
    def section_fields(self) -> dict:
        return {code: [self[name] for name in names] for code, names in self.SECTIONS.items()}

    def days(self):
        """[(day code, day label, [(start field, end field) per slot])] for the weekly editor."""
        return [
            (
                day,
                gettext(DAY_LABELS[day]),
                [(self[hours_field(day, slot, False)], self[hours_field(day, slot, True)]) for slot in SLOTS],
            )
            for day in DAYS
        ]

    # --- Values -------------------------------------------------------------------------------------------
    def clean_social_links(self) -> list[str]:
        links = [
            line.strip()
            for line in (self.cleaned_data.get("social_links") or "").splitlines()
            if line.strip()
        ]
        if len(links) > MAX_SOCIAL_LINKS:
            raise forms.ValidationError(
                gettext("Cinq adresses au plus (%(count)s indiquées).") % {"count": len(links)}
            )
        return links

    def clean(self):
        data = super().clean()
        hours: dict[str, list[list[str]]] = {}
        for day in DAYS:
            spans = []
            for slot in SLOTS:
                start_name, end_name = hours_field(day, slot, False), hours_field(day, slot, True)
                start, end = data.get(start_name), data.get(end_name)
                if start_name in self.errors or end_name in self.errors:
                    continue
                if (start is None) != (end is None):
                    self.add_error(
                        end_name if end is None else start_name,
                        gettext("%(day)s : indiquez l’heure d’ouverture et celle de fermeture.")
                        % {"day": gettext(DAY_LABELS[day])},
                    )
                    continue
                if start is None:
                    continue
                closes = "24:00" if end == dt.time(0, 0) else end.strftime("%H:%M")
                if start.strftime("%H:%M") >= closes:
                    self.add_error(
                        end_name,
                        gettext("%(day)s : la fermeture doit suivre l’ouverture.")
                        % {"day": gettext(DAY_LABELS[day])},
                    )
                    continue
                if spans and start.strftime("%H:%M") < spans[-1][1]:
                    self.add_error(
                        start_name,
                        gettext("%(day)s : la seconde plage commence après la fin de la première.")
                        % {"day": gettext(DAY_LABELS[day])},
                    )
                    continue
                spans.append([start.strftime("%H:%M"), closes])
            if spans:
                hours[day] = spans
        data["opening_hours"] = hours
        return data

    def place_data(self, *, exceptions: list[dict], equipment: list[dict]) -> dict:
        """PlaceDataForm's values (the commune, the point or the commune's, and its origin) and the rest."""
        data = super().place_data()
        data |= {f: self.cleaned_data.get(f) for f in MANAGER_EXTRA_FIELDS if f in self.cleaned_data}
        data["opening_hours"] = self.cleaned_data["opening_hours"]
        data["opening_exceptions"] = exceptions
        data["equipment"] = equipment
        data["siret"] = data.get("siret") or ""
        data["rna"] = data.get("rna") or ""
        data["legal_form"] = data.get("legal_form") or ""
        return data

    @staticmethod
    def initial_for(place) -> dict:
        initial = PlaceDataForm.initial_for(place) | {
            field: getattr(place, field) for field in MANAGER_EXTRA_FIELDS if field != "opening_hours"
        }
        initial["social_links"] = "\n".join(place.social_links or [])
        for day, spans in (place.opening_hours or {}).items():
            for slot, (start, end) in zip(SLOTS, spans, strict=False):
                initial[hours_field(day, slot, False)] = start
                initial[hours_field(day, slot, True)] = "00:00" if end == "24:00" else end
        return initial


class ExceptionForm(DsfrBaseForm):
    """One closure or special opening (a day or a period)."""

    start = forms.DateField(label=_("Du"), required=False, widget=DATE)
    end = forms.DateField(
        label=_("Au (inclus)"), required=False, widget=DATE, help_text=_("Vide : un seul jour.")
    )
    closed = forms.BooleanField(label=_("Fermé toute la période"), required=False)
    opens = forms.TimeField(label=_("Sinon, ouvert de"), required=False, widget=TIME)
    closes = forms.TimeField(label=_("à"), required=False, widget=TIME)
    label = forms.CharField(
        label=_("Motif affiché"), max_length=200, required=False, help_text=_("Par exemple : congés d’été.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        optional_group(*self.fields.values())  # a whole exception is optional: its legend says so

    def clean(self):
        data = super().clean()
        used = any(
            data.get(name) not in (None, "", False) for name in ("start", "end", "opens", "closes", "label")
        )
        if not used or data.get("DELETE"):
            return data
        if data.get("start") is None and "start" not in self.errors:
            self.add_error("start", gettext("Indiquez la date (ou la première date) de l’exception."))
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", gettext("La date de fin suit la date de début."))
        if not data.get("closed"):
            if data.get("opens") is None or data.get("closes") is None:
                self.add_error("opens", gettext("Cochez « Fermé » ou indiquez les heures d’ouverture."))
            elif data["opens"] >= data["closes"]:
                self.add_error("closes", gettext("La fermeture doit suivre l’ouverture."))
        return data

    def value(self) -> dict | None:
        data = self.cleaned_data
        if not data or data.get("DELETE") or data.get("start") is None:
            return None
        hours = (
            []
            if data.get("closed")
            else [[data["opens"].strftime("%H:%M"), data["closes"].strftime("%H:%M")]]
        )
        return {
            "start": data["start"].isoformat(),
            "end": (data.get("end") or data["start"]).isoformat(),
            "hours": hours,
            "label": data.get("label") or "",
        }

    @staticmethod
    def initial_for(exception: dict) -> dict:
        hours = exception.get("hours") or []
        return {
            "start": exception.get("start"),
            "end": exception.get("end"),
            "closed": not hours,
            "opens": hours[0][0] if hours else None,
            "closes": hours[0][1] if hours else None,
            "label": exception.get("label", ""),
        }


class EquipmentForm(DsfrBaseForm):
    category = forms.ChoiceField(label=_("Catégorie"), choices=EquipmentCategory.choices, required=False)
    name = forms.CharField(
        label=_("Équipement"), max_length=200, required=False, help_text=_("Par exemple : découpeuse laser.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        optional_group(*self.fields.values())  # a whole row is optional: its legend says so

    def value(self) -> dict | None:
        data = self.cleaned_data
        if not data or data.get("DELETE") or not (data.get("name") or "").strip():
            return None
        return {"category": data.get("category") or EquipmentCategory.OTHER, "name": data["name"].strip()}


ExceptionFormSet = forms.formset_factory(
    ExceptionForm, extra=2, can_delete=True, max_num=30, validate_max=True
)
EquipmentFormSet = forms.formset_factory(
    EquipmentForm, extra=2, can_delete=True, max_num=50, validate_max=True
)


class PhotoForm(DsfrBaseForm):
    image = forms.FileField(
        label=_("Photo"),
        help_text=_(
            "JPEG, PNG ou WebP, 8 Mo au plus ; elle est redimensionnée et ses métadonnées (position GPS…) retirées."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    alt = forms.CharField(
        label=_("Ce que montre la photo"),
        max_length=250,
        help_text=_(
            "Une phrase lue à la place de l’image, par exemple : « L’atelier bois, établis et machines »."
        ),
    )


class PhotoAltForm(DsfrBaseForm):
    alt = forms.CharField(label=_("Ce que montre la photo"), max_length=250)


__all__ = [
    "MANAGER_EXTRA_FIELDS",
    "EquipmentFormSet",
    "ExceptionFormSet",
    "ManagerPlaceForm",
    "PhotoAltForm",
    "PhotoForm",
]
