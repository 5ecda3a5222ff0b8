from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from ..models import Licence, ResourceKind
from . import place_field


class ResourceForm(DsfrBaseForm):
    title = forms.CharField(label=_("Titre"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=ResourceKind.choices)
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown accepté."),
    )
    licence = forms.ChoiceField(label=_("Licence"), choices=Licence.choices)
    tags = forms.CharField(
        label=_("Mots-clés"), max_length=400, required=False, help_text=_("Séparés par des virgules.")
    )
    version = forms.CharField(label=_("Version"), max_length=30, initial="1.0")
    file = forms.FileField(
        label=_("Fichier"),
        required=False,
        help_text=_("PDF, ODT, DOCX, ODS, XLSX, ODP, PPTX, PNG ou JPEG ; 10 Mo au plus."),
    )
    link = forms.CharField(
        label=_("Ou lien"), max_length=500, required=False, help_text=_("Une adresse https://…")
    )
    note = forms.CharField(label=_("Nouveautés de cette version"), max_length=500, required=False)

    def __init__(self, *args, places=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author_place"] = place_field(places, label=_("Lieu auteur"))
        self.order_fields(
            [
                "title",
                "kind",
                "description",
                "licence",
                "tags",
                "author_place",
                "version",
                "file",
                "link",
                "note",
            ]
        )


class VersionForm(DsfrBaseForm):
    version = forms.CharField(label=_("Version"), max_length=30)
    file = forms.FileField(
        label=_("Fichier"),
        required=False,
        help_text=_("PDF, ODT, DOCX, ODS, XLSX, ODP, PPTX, PNG ou JPEG ; 10 Mo au plus."),
    )
    link = forms.CharField(label=_("Ou lien"), max_length=500, required=False)
    note = forms.CharField(label=_("Nouveautés de cette version"), max_length=500, required=False)


class ResourceFilterForm(DsfrBaseForm):
    q = forms.CharField(label=_("Rechercher"), max_length=100, required=False)
    kind = forms.ChoiceField(
        label=_("Type"), choices=[("", _("Tous")), *ResourceKind.choices], required=False
    )
    licence = forms.ChoiceField(
        label=_("Licence"), choices=[("", _("Toutes")), *Licence.choices], required=False
    )
    tag = forms.CharField(label=_("Mot-clé"), max_length=30, required=False)
