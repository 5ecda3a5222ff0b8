"""The POST a browser sends from the manager's form of a place (every field as rendered, formsets included)."""

from tierslieux.geo.forms import Point
from tierslieux.geo.models import Commune
from tierslieux.geo.resolution import commune_display
from tierslieux.places.contributions.manage_forms import ExceptionForm, ManagerPlaceForm


def manager_form_data(place, *, exceptions=None, equipment=None, **extra) -> dict:
    initial = ManagerPlaceForm.initial_for(place)
    data = {}
    for name, value in initial.items():
        if value is None:
            continue
        if isinstance(value, Commune):  # CommuneField: the text and the combobox's INSEE code
            data[name], data[f"{name}_insee"] = commune_display(value), value.pk
        elif isinstance(value, Point):  # PointField: latitude, longitude and origin
            data |= {
                f"{name}_lat": str(value.lat),
                f"{name}_lon": str(value.lon),
                f"{name}_origin": value.origin,
            }
        elif isinstance(value, list):
            data[name] = value
        elif hasattr(value, "isoformat"):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    data["reason"] = ""
    rows = (
        exceptions
        if exceptions is not None
        else [ExceptionForm.initial_for(e) for e in place.opening_exceptions]
    )
    data |= _formset("exceptions", rows)
    items = equipment if equipment is not None else list(place.equipment)
    data |= _formset("equipment", items)
    return data | extra


def _formset(prefix: str, rows: list[dict]) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            if value in (None, False):
                continue
            data[f"{prefix}-{i}-{key}"] = "on" if value is True else str(value)
    return data
