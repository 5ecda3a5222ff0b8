"""Where the places come from: the sources, what each counts and the date of its data (docs/data.md).

`Place.source` is the main source of a page, `PlaceSourceRecord.source` each source row merged into it. A code
not listed here (an import by the staff, named by them) is shown as such with the date it was imported.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class SourceInfo:
    code: str
    label: str | Promise
    date: str | Promise  # the date of the data, as written ("2019", "novembre 2022")
    scope: str | Promise  # the territory it covers
    counts: str | Promise  # what it counts
    digital_inclusion: bool = False  # the médiation numérique layer, counted apart from the tiers-lieux
    listed: bool = True  # False: a source the registry does not know (an import), described generically


SOURCES: dict[str, SourceInfo] = {
    info.code: info
    for info in (
        SourceInfo(
            "cget2019",
            _("Recensement national des tiers-lieux (CGET, Mission Coworking)"),
            _("2019"),
            _("France entière"),
            _("tiers-lieux à dominante coworking ou fablab"),
        ),
        SourceInfo(
            "ping2022",
            _("Tiers-lieux des Pays de la Loire (association PiNG)"),
            _("novembre 2022"),
            _("Pays de la Loire"),
            _("tiers-lieux"),
        ),
        SourceInfo(
            "fabriques",
            _("Fabriques de territoire (ANCT)"),
            _("janvier 2024"),
            _("France entière"),
            _("lieux labellisés Fabrique de territoire"),
        ),
        SourceInfo(
            "manufactures",
            _("Manufactures de proximité (ANCT)"),
            _("mars 2024"),
            _("France entière"),
            _("lieux labellisés Manufacture de proximité"),
        ),
        SourceInfo(
            "hinaura",
            _("Lieux de médiation numérique (Hinaura)"),
            _("2021-2022"),
            _("Auvergne-Rhône-Alpes seulement"),
            _("lieux de médiation numérique, dont des Espaces France services"),
            digital_inclusion=True,
        ),
        SourceInfo(
            "ami",
            _("Porteurs de projet de l’appel à manifestation d’intérêt"),
            _("au fil des dossiers"),
            _("France entière"),
            _("lieux en projet décrits dans un dossier"),
        ),
        SourceInfo(
            "",
            _("Contributions (propositions modérées, gestionnaires)"),
            _("au fil des contributions"),
            _("France entière"),
            _("lieux proposés sur la plateforme"),
        ),
    )
}
ORDER = ["cget2019", "ping2022", "fabriques", "manufactures", "hinaura", "ami", ""]


def source_info(code: str) -> SourceInfo:
    """The registered source, or a generic description of an import named `code`."""
    code = code or ""
    if code in SOURCES:
        return SOURCES[code]
    return SourceInfo(
        code,
        _("Import « %(source)s »") % {"source": code},
        "",
        "",
        _("lieux importés par l’équipe du programme"),
        listed=False,
    )


def sort_key(code: str) -> tuple[int, str]:
    return (ORDER.index(code) if code in ORDER else len(ORDER), code)
