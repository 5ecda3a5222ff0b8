from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from ..models import Attendance, EventCategory, TimeZone
from . import CommuneField, DateInput, DateTimeInput

WEEKDAYS = [
    ("MO", _("lundi")),
    ("TU", _("mardi")),
    ("WE", _("mercredi")),
    ("TH", _("jeudi")),
    ("FR", _("vendredi")),
    ("SA", _("samedi")),
    ("SU", _("dimanche")),
]
FREQUENCIES = [
    ("", _("Pas de répétition")),
    ("DAILY", _("Chaque jour")),
    ("WEEKLY", _("Chaque semaine")),
    ("MONTHLY", _("Chaque mois")),
]


class EventForm(DsfrBaseForm):
    title = forms.CharField(label=_("Titre"), max_length=200)
    category = forms.ChoiceField(label=_("Catégorie"), choices=EventCategory.choices)
    description = forms.CharField(
        label=_("Description"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown accepté."),
    )
    time_zone = forms.ChoiceField(label=_("Fuseau horaire"), choices=TimeZone.choices, initial=TimeZone.PARIS)
    all_day = forms.BooleanField(
        label=_("Toute la journée"),
        required=False,
        help_text=_("Les heures sont alors ignorées : seules les dates comptent."),
    )
    start = forms.DateTimeField(
        label=_("Début"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    end = forms.DateTimeField(
        label=_("Fin"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    frequency = forms.ChoiceField(label=_("Répétition"), choices=FREQUENCIES, required=False)
    interval = forms.IntegerField(
        label=_("Toutes les (semaines, jours ou mois)"), required=False, min_value=1, max_value=12, initial=1
    )
    weekdays = forms.MultipleChoiceField(
        label=_("Jours (répétition chaque semaine)"),
        choices=WEEKDAYS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    count = forms.IntegerField(label=_("Nombre d’occurrences"), required=False, min_value=1, max_value=1000)
    until = forms.DateField(label=_("Ou jusqu’au"), required=False, widget=DateInput())
    rrule = forms.CharField(
        label=_("Règle de récurrence avancée (RRULE)"),
        max_length=500,
        required=False,
        help_text=_(
            "Remplace les champs de répétition ; par exemple FREQ=WEEKLY;BYDAY=TU;COUNT=10. Elle doit finir (COUNT ou UNTIL)."
        ),
    )
    exdates = forms.CharField(
        label=_("Dates exclues"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Une date par ligne (AAAA-MM-JJ ou JJ/MM/AAAA) : par exemple les jours fériés."),
    )
    attendance = forms.ChoiceField(label=_("Participation"), choices=Attendance.choices)
    at_place = forms.BooleanField(label=_("Au lieu lui-même"), required=False, initial=True)
    address = forms.CharField(label=_("Autre adresse"), max_length=300, required=False)
    commune = CommuneField(required=False, help_text=_("Pour une autre adresse."))
    online_url = forms.URLField(
        label=_("Lien de participation en ligne"), max_length=500, required=False, assume_scheme="https"
    )
    audience = forms.CharField(label=_("Public"), max_length=200, required=False)
    is_free = forms.BooleanField(label=_("Gratuit"), required=False, initial=True)
    price = forms.CharField(label=_("Tarif"), max_length=200, required=False)
    registration_url = forms.URLField(
        label=_("Lien d’inscription"), max_length=500, required=False, assume_scheme="https"
    )
    image = forms.FileField(label=_("Image"), required=False, help_text=_("PNG, JPEG ou WebP, 2 Mo au plus."))
    image_alt = forms.CharField(
        label=_("Texte alternatif de l’image"),
        max_length=300,
        required=False,
        help_text=_("Obligatoire avec une image : décrivez ce qu’elle montre."),
    )
    remove_image = forms.BooleanField(label=_("Retirer l’image actuelle"), required=False)

    def clean_exdates(self):
        import datetime as dt

        values = []
        for line in (self.cleaned_data.get("exdates") or "").replace(",", "\n").splitlines():
            text = line.strip()
            if not text:
                continue
            for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
                try:
                    values.append(dt.datetime.strptime(text, pattern).date())
                    break
                except ValueError:
                    continue
            else:
                raise forms.ValidationError(_("Date exclue invalide : « %(value)s ».") % {"value": text[:20]})
        return values

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        rule = (data.pop("rrule") or "").strip()
        frequency = data.pop("frequency")
        interval, weekdays = data.pop("interval") or 1, data.pop("weekdays")
        count, until = data.pop("count"), data.pop("until")
        if not rule and frequency:
            parts = [f"FREQ={frequency}"]
            if interval > 1:
                parts.append(f"INTERVAL={interval}")
            if frequency == "WEEKLY" and weekdays:
                parts.append("BYDAY=" + ",".join(weekdays))
            if count:
                parts.append(f"COUNT={count}")
            elif until:
                parts.append(f"UNTIL={until:%Y%m%d}")
            rule = ";".join(parts)
        data["rrule"] = rule
        return data

    @classmethod
    def initial_for(cls, event) -> dict:
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(event.time_zone)
        start, end = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
        if event.all_day:
            import datetime as dt

            end = end - dt.timedelta(days=1)
        return {
            "title": event.title,
            "category": event.category,
            "description": event.description,
            "time_zone": event.time_zone,
            "all_day": event.all_day,
            "start": start.replace(tzinfo=None),
            "end": end.replace(tzinfo=None),
            "rrule": event.rrule,
            "exdates": "\n".join(value[:10] for value in event.exdates),
            "attendance": event.attendance,
            "at_place": event.at_place,
            "address": event.address,
            "commune": event.commune if not event.at_place else None,
            "online_url": event.online_url,
            "audience": event.audience,
            "is_free": event.is_free,
            "price": event.price,
            "registration_url": event.registration_url,
            "image_alt": event.image_alt,
        }


class IcsSourceForm(DsfrBaseForm):
    url = forms.CharField(
        label=_("Adresse du calendrier (ICS)"),
        max_length=500,
        help_text=_(
            "L’adresse publique d’export iCalendar de votre agenda (Fab-manager, Mobilizon, Nextcloud, Google…)."
        ),
    )


class EventFilterForm(DsfrBaseForm):
    region = forms.ChoiceField(label=_("Région"), required=False)
    department = forms.ChoiceField(label=_("Département"), required=False)
    category = forms.ChoiceField(
        label=_("Catégorie"), choices=[("", _("Toutes")), *EventCategory.choices], required=False
    )
    start = forms.DateField(label=_("Du"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Au"), required=False, widget=DateInput())
    free = forms.BooleanField(label=_("Gratuits seulement"), required=False)

    def __init__(self, *args, regions=(), departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("Toutes")), *regions]
        self.fields["department"].choices = [("", _("Tous")), *departments]
