"""The calls' streams of the alerts (tierslieux/alerts/streams.py):

- `calls.calls`: a new call or wave opens; 7 days before a wave closes (all calls, or one);
- `calls.territory`: what is new in a department or a region — new places of the atlas (through the places'
  selectors), laureates whose place is there, and the calls' waves that open (calls are national: they
  concern every territory). Other apps add their items with `contribute("calls.territory", …)` (events).
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tierslieux.alerts.streams import Item, Stream, register
from tierslieux.core.errors import ServiceError
from tierslieux.geo.models import Department, Region
from tierslieux.places import selectors as places_selectors
from tierslieux.places.alerts import place_item

from . import selectors
from .models import Call, Wave
from .review import selectors as review_selectors

DEADLINE_NOTICE = timedelta(days=7)


def _date(moment) -> str:
    return formats.date_format(moment, "j F Y à H:i") if moment else ""


def _waves(call_slug: str = ""):
    waves = Wave.objects.filter(call__in=selectors.calls_public()).select_related("call")
    return waves.filter(call__slug=call_slug) if call_slug else waves


def wave_items(params: dict, since, until) -> list[Item]:
    """Waves that opened in the period (the first one of a call: a new call) and waves that close in 7 days."""
    items = []
    slug = params.get("call", "")
    first_waves = {}
    for wave in _waves(slug).filter(opens_at__gt=since, opens_at__lte=until).order_by("opens_at", "id"):
        first = first_waves.setdefault(wave.call_id, wave.call.waves.order_by("opens_at", "id").first())
        kind = _("Nouvel appel") if first and first.pk == wave.pk else _("Nouvelle vague")
        items.append(
            Item(
                key=f"wave:{wave.pk}:open",
                title=_("%(call)s — %(wave)s est ouverte") % {"call": wave.call.title, "wave": wave.name},
                url=wave.call.get_absolute_url(),
                summary=_("Dépôt des dossiers jusqu’au %(date)s.") % {"date": _date(wave.closes_at)},
                date=wave.opens_at,
                kind=kind,
            )
        )
    closing = _waves(slug).filter(
        closes_at__gt=since + DEADLINE_NOTICE, closes_at__lte=until + DEADLINE_NOTICE
    )
    for wave in closing.filter(opens_at__lte=until).order_by("closes_at", "id"):
        items.append(
            Item(
                key=f"wave:{wave.pk}:deadline",
                title=_("%(call)s — %(wave)s : plus que 7 jours")
                % {"call": wave.call.title, "wave": wave.name},
                url=wave.call.get_absolute_url(),
                summary=_("Clôture le %(date)s.") % {"date": _date(wave.closes_at)},
                date=wave.closes_at - DEADLINE_NOTICE,
                kind=_("Date limite"),
            )
        )
    return items


def _calls_params(params: dict) -> dict:
    slug = str(params.get("call") or "").strip()
    if not slug:
        return {}
    if not selectors.calls_public().filter(slug=slug).exists():
        raise ServiceError(_("Cet appel n’existe pas ou n’est pas publié."))
    return {"call": slug}


def _calls_label(params: dict) -> str:
    call = Call.objects.filter(slug=params.get("call", "")).first()
    if call is None:
        return _("Appels à manifestation d’intérêt : ouvertures et dates limites")
    return _("Appel « %(title)s » : ouvertures et dates limites") % {"title": call.title}


def _territory(params: dict):
    if params.get("department"):
        return Department.objects.filter(pk=params["department"]).first()
    if params.get("region"):
        return Region.objects.filter(pk=params["region"]).first()
    return None


def _territory_params(params: dict) -> dict:
    department, region = str(params.get("department") or "").upper(), str(params.get("region") or "").upper()
    if bool(department) == bool(region):
        raise ServiceError(_("Choisissez un département ou une région."))
    key, model, code = ("department", Department, department) if department else ("region", Region, region)
    if not model.objects.filter(pk=code).exists():
        raise ServiceError(_("Ce territoire n’existe pas."))
    return {key: code}


def _territory_label(params: dict) -> str:
    territory = _territory(params)
    if territory is None:
        return _("Nouveautés d’un territoire")
    if isinstance(territory, Department):
        return _("Nouveautés du département %(name)s (%(code)s)") % {
            "name": territory.name,
            "code": territory.code,
        }
    return _("Nouveautés de la région %(name)s") % {"name": territory.name}


def territory_items(params: dict, since, until) -> list[Item]:
    where = (
        {"commune__department_id": params["department"]}
        if "department" in params
        else {"commune__region_id": params.get("region")}
    )
    items = [
        place_item(place) for place in places_selectors.places_created_between(since, until).filter(**where)
    ]
    laureates = review_selectors.laureates_public().filter(
        published_at__gt=since,
        published_at__lte=until,
        **{f"application__place__{key}": value for key, value in where.items()},
    )
    for decision in laureates:
        row = review_selectors.laureate_row(decision)
        items.append(
            Item(
                key=f"laureate:{decision.pk}",
                title=_("%(place)s, lauréat de « %(call)s »") % {"place": row["place"], "call": row["call"]},
                url=reverse("places:detail", args=[row["place_slug"]])
                if row["place_slug"]
                else reverse("calls:laureates"),
                summary=row["envelope"],
                date=decision.published_at,
                kind=_("Lauréat"),
            )
        )
    return items + [item for item in wave_items({}, since, until) if item.key.endswith(":open")]


register(
    Stream(
        key="calls.calls",
        label=gettext_noop("Appels à manifestation d’intérêt"),
        description=gettext_noop(
            "Un courriel quand un appel ou une vague ouvre, et 7 jours avant chaque date limite."
        ),
        new_items=wave_items,
        validate_params=_calls_params,
        describe=_calls_label,
    )
)
register(
    Stream(
        key="calls.territory",
        label=gettext_noop("Un territoire"),
        description=gettext_noop(
            "Les nouveaux lieux, lauréats et appels d’un département ou d’une région : abonnez-vous depuis la "
            "page du territoire."
        ),
        new_items=territory_items,
        validate_params=_territory_params,
        describe=_territory_label,
    )
)
