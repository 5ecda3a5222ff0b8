"""Forms of the news: the article form of the editors, scheduling, the comment form (with its anti-spam
fields), comment edits, reports and moderation."""

from __future__ import annotations

import re
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from dsfr.forms import DsfrBaseForm

from tierslieux.alerts.forms import INVALID_EMAIL
from tierslieux.calls.models import Call
from tierslieux.geo.forms import CommuneListField
from tierslieux.geo.models import Department, Region
from tierslieux.places.models import Place

from .models import CommentReport

REPLY_CONSENT = gettext_lazy(
    "Me prévenir par courriel des réponses à mon commentaire (désabonnement en un clic dans chaque message)"
)
STARTED_SALT = "tierslieux.news.comment.started"
MAX_FORM_AGE = 24 * 3600


def _codes(text: str) -> list[str]:
    return [code for code in re.split(r"[\s,;]+", text or "") if code]


class ArticleForm(DsfrBaseForm):
    title = forms.CharField(label=gettext_lazy("Titre"), max_length=200)
    standfirst = forms.CharField(
        label=gettext_lazy("Chapô"),
        max_length=400,
        help_text=gettext_lazy("Une ou deux phrases qui résument l’article (400 caractères au plus)."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    body = forms.CharField(
        label=gettext_lazy("Texte"),
        help_text=gettext_lazy(
            "En Markdown : ## intertitre, **gras**, *italique*, listes avec « - », liens [texte](https://…). "
            "Le HTML n’est pas interprété."
        ),
        widget=forms.Textarea(attrs={"rows": 16}),
    )
    cover = forms.FileField(
        label=gettext_lazy("Image de couverture"),
        required=False,
        help_text=gettext_lazy(
            "JPEG, PNG ou WebP, 12 Mo au plus. Ses métadonnées (position GPS…) sont retirées."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_cover = forms.BooleanField(label=gettext_lazy("Retirer l’image de couverture"), required=False)
    cover_alt = forms.CharField(
        label=gettext_lazy("Texte alternatif de l’image"),
        max_length=300,
        required=False,
        help_text=gettext_lazy(
            "Obligatoire avec une image : décrivez ce qu’elle montre, pour qui ne la voit pas."
        ),
    )
    tags = forms.CharField(
        label=gettext_lazy("Étiquettes"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Séparées par des virgules, par exemple : Fabriques de territoire, numérique"),
    )
    places = forms.CharField(
        label=gettext_lazy("Lieux liés"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy(
            "Identifiants d’URL des fiches de l’atlas (la fin de leur adresse), séparés par des virgules."
        ),
    )
    regions = forms.MultipleChoiceField(label=gettext_lazy("Régions liées"), required=False)
    departments = forms.MultipleChoiceField(label=gettext_lazy("Départements liés"), required=False)
    communes = CommuneListField(label=gettext_lazy("Communes liées"), required=False)
    calls = forms.MultipleChoiceField(label=gettext_lazy("Appels liés"), required=False)
    comments_open = forms.BooleanField(
        label=gettext_lazy("Commentaires ouverts"), required=False, initial=True
    )

    def __init__(self, *args, has_cover: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_cover = has_cover
        self.fields["regions"].choices = list(Region.objects.order_by("name").values_list("code", "name"))
        self.fields["departments"].choices = [
            (d.code, f"{d.code} — {d.name}") for d in Department.objects.only("code", "name").order_by("code")
        ]
        self.fields["calls"].choices = [(str(c.pk), c.title) for c in Call.objects.order_by("title")]
        for name in ("regions", "departments", "calls"):
            self.fields[name].widget.attrs["size"] = 6
        if not has_cover:
            del self.fields["remove_cover"]

    def clean_places(self) -> list[Place]:
        slugs = _codes(self.cleaned_data.get("places", ""))
        found = {place.slug: place for place in Place.objects.filter(slug__in=slugs)}
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            raise forms.ValidationError(
                _("Fiches introuvables : %(slugs)s.") % {"slugs": ", ".join(unknown[:5])}
            )
        return list(found.values())

    def clean_tags(self) -> list[str]:
        return [name.strip() for name in (self.cleaned_data.get("tags") or "").split(",") if name.strip()]

    def clean(self):
        data = super().clean()
        has_cover = bool(data.get("cover")) or (self.has_cover and not data.get("remove_cover"))
        if has_cover and not (data.get("cover_alt") or "").strip():
            self.add_error(
                "cover_alt", _("Décrivez l’image de couverture dans son texte alternatif (obligatoire).")
            )
        return data

    def link_values(self) -> dict:
        data = self.cleaned_data
        return {
            "places": data["places"],
            "regions": Region.objects.filter(code__in=data["regions"]),
            "departments": Department.objects.filter(code__in=data["departments"]),
            "communes": data["communes"],
            "calls": Call.objects.filter(pk__in=data["calls"]),
        }


class ScheduleForm(DsfrBaseForm):
    publish_at = forms.DateTimeField(
        label=gettext_lazy("Date et heure de publication"),
        help_text=gettext_lazy("Heure de Paris."),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class RequiredMarkMixin:
    """Marks required fields with an asterisk, as the seed's comment form does ("Les champs obligatoires sont
    indiqués avec *", the DSFR's "champ obligatoire" pattern), and optional ones with nothing: each visible
    field is rendered by `news/_field.html` or `news/_checkbox.html`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.template_name = (
                "news/_checkbox.html" if isinstance(field.widget, forms.CheckboxInput) else "news/_field.html"
            )


class CommentForm(RequiredMarkMixin, DsfrBaseForm):
    name = forms.CharField(
        label=gettext_lazy("Nom"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=gettext_lazy("Adresse électronique"),
        max_length=254,
        help_text=gettext_lazy("Jamais publiée ni montrée à personne. Format attendu : nom@domaine.fr"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": INVALID_EMAIL},
    )
    website = forms.URLField(
        label=gettext_lazy("Site web"),
        required=False,
        max_length=300,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    body = forms.CharField(
        label=gettext_lazy("Commentaire"),
        max_length=5000,
        help_text=gettext_lazy("Texte simple, 5 000 caractères et deux liens au plus."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    notify_replies = forms.BooleanField(label=REPLY_CONSENT, required=False)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    started = forms.CharField(required=False, widget=forms.HiddenInput)
    # The honeypot: hidden from people (CSS), filled by robots.
    remarque = forms.CharField(
        label=gettext_lazy("Ne remplissez pas ce champ"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if getattr(user, "is_authenticated", False):
            del self.fields["email"]
            self.fields["name"].initial = user.display_name
        if not self.is_bound:
            self.fields["started"].initial = signing.dumps(time.time(), salt=STARTED_SALT)

    @property
    def honeypot(self):
        return self["remarque"]

    def clean(self):
        data = super().clean()
        if data.get("remarque"):
            raise forms.ValidationError(_("Votre commentaire n’a pas pu être enregistré."), code="honeypot")
        try:
            started = float(signing.loads(data.get("started") or "", salt=STARTED_SALT, max_age=MAX_FORM_AGE))
        except (signing.BadSignature, ValueError, TypeError):
            raise forms.ValidationError(
                _("Le formulaire a expiré : votre texte est conservé, renvoyez-le."), code="expired"
            ) from None
        if time.time() - started < getattr(settings, "NEWS_COMMENT_MIN_SECONDS", 3):
            raise forms.ValidationError(
                _("Votre commentaire a été envoyé trop vite : relisez-le et renvoyez-le."), code="too_fast"
            )
        return data

    def fresh_started(self) -> None:
        """After a refusal, the re-shown form gets a new start time (what was typed stays)."""
        self.data = self.data.copy()
        self.data["started"] = signing.dumps(time.time(), salt=STARTED_SALT)


class CommentEditForm(RequiredMarkMixin, DsfrBaseForm):
    name = forms.CharField(label=gettext_lazy("Nom"), max_length=100)
    website = forms.URLField(
        label=gettext_lazy("Site web"), required=False, max_length=300, assume_scheme="https"
    )
    body = forms.CharField(
        label=gettext_lazy("Commentaire"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )


class ReportForm(DsfrBaseForm):
    reason = forms.ChoiceField(
        label=gettext_lazy("Motif"), choices=CommentReport.Reason.choices, widget=forms.RadioSelect
    )
    message = forms.CharField(
        label=gettext_lazy("Précision"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
