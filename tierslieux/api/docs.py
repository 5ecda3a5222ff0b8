"""The API reference at /api/v1/docs: the OpenAPI schema read by django-ninja, shown as a page of the platform
(DSFR shell: French, landmarks, visible focus, contrast, the site's header and footer) instead of Swagger UI,
whose own markup is not accessible (nested buttons, contrast). The machine-readable schema stays at
/api/v1/openapi.json for any OpenAPI tool.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from ninja.openapi.docs import DocsBase

from tierslieux.calls.text import render_markdown

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Parameter:
    name: str
    location: str
    type: str
    required: bool
    description: str
    default: str = ""


@dataclass
class Property:
    name: str
    type: str
    description: str


@dataclass
class Operation:
    id: str
    method: str
    path: str
    summary: str
    description: Any
    parameters: list[Parameter]
    responses: list[tuple[str, str]]
    fields: list[Property]
    example_url: str = ""


@dataclass
class Section:
    id: str
    title: str
    operations: list[Operation] = field(default_factory=list)


def _ref(schema: dict, components: dict) -> dict:
    while isinstance(schema, dict) and "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    return schema or {}


def type_label(schema: dict, components: dict) -> str:
    """A short French description of a JSON Schema type: "entier (1 à 100)", "liste de texte"…"""
    schema = _ref(schema, components)
    if "anyOf" in schema:
        labels = [type_label(s, components) for s in schema["anyOf"] if s.get("type") != "null"]
        return " ou ".join(dict.fromkeys(labels)) or _("valeur")
    kind = schema.get("type", "")
    names = {
        "string": _("texte"),
        "integer": _("entier"),
        "number": _("nombre"),
        "boolean": _("booléen"),
        "object": _("objet"),
    }
    if kind == "array":
        return _("liste de %(items)s") % {"items": type_label(schema.get("items") or {}, components)}
    label = names.get(kind, schema.get("title", "") or _("valeur"))
    if schema.get("format") in {"date", "date-time"}:
        label = _("date (AAAA-MM-JJ)") if schema["format"] == "date" else _("date et heure (ISO 8601)")
    if "enum" in schema:
        label = _("%(type)s parmi : %(values)s") % {
            "type": label,
            "values": ", ".join(str(v) for v in schema["enum"]),
        }
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None:
        label = _("%(type)s de %(low)s à %(high)s") % {"type": label, "low": low, "high": high}
    elif low is not None:
        label = _("%(type)s, au moins %(low)s") % {"type": label, "low": low}
    return label


def _fields(schema: dict, components: dict) -> list[Property]:
    schema = _ref(schema, components)
    if schema.get("type") == "array":
        schema = _ref(schema.get("items") or {}, components)
    return [
        Property(name, type_label(prop, components), str(_ref(prop, components).get("description", "")))
        for name, prop in (schema.get("properties") or {}).items()
    ]


def sections(schema: dict) -> list[Section]:
    """The operations of an OpenAPI schema, grouped by their first tag, in the schema's order."""
    components = (schema.get("components") or {}).get("schemas") or {}
    by_tag: dict[str, Section] = {}
    for path, item in (schema.get("paths") or {}).items():
        for method in METHODS:
            operation = item.get(method)
            if not operation:
                continue
            tag = (operation.get("tags") or [_("Autres")])[0]
            section = by_tag.setdefault(tag, Section(id=slugify(tag) or "api", title=tag))
            parameters = [
                Parameter(
                    name=p["name"],
                    location={"query": _("requête"), "path": _("chemin"), "header": _("en-tête")}.get(
                        p.get("in", ""), p.get("in", "")
                    ),
                    type=type_label(p.get("schema") or {}, components),
                    required=bool(p.get("required")),
                    description=str(p.get("description") or (p.get("schema") or {}).get("description") or ""),
                    default=""
                    if (p.get("schema") or {}).get("default") in (None, "")
                    else str((p.get("schema") or {}).get("default")),
                )
                for p in operation.get("parameters") or []
            ]
            responses = [
                (code, str(r.get("description", "")))
                for code, r in (operation.get("responses") or {}).items()
            ]
            ok = (operation.get("responses") or {}).get("200") or {}
            content = next(iter((ok.get("content") or {}).values()), {})
            needs_path = any(p.location == _("chemin") for p in parameters)
            needs_query = any(p.required and p.location == _("requête") for p in parameters)
            section.operations.append(
                Operation(
                    id=operation.get("operationId") or slugify(f"{method}-{path}"),
                    method=method.upper(),
                    path=path,
                    summary=str(operation.get("summary") or path),
                    description=render_markdown(str(operation.get("description") or "")),
                    parameters=parameters,
                    responses=responses,
                    fields=_fields(content.get("schema") or {}, components),
                    example_url=path if method == "get" and not needs_path and not needs_query else "",
                )
            )
    return list(by_tag.values())


class DsfrDocs(DocsBase):
    """django-ninja's docs hook: the reference page in the platform's shell."""

    def render_page(self, request, api, **kwargs):
        """Public: the API reference (every operation, its parameters, responses and fields)."""
        schema = api.get_openapi_schema(path_params=kwargs) if kwargs else api.get_openapi_schema()
        openapi_url = self.get_openapi_url(api, kwargs)
        return render(
            request,
            "api/docs.html",
            {
                "info": schema.get("info") or {},
                "sections": sections(schema),
                "openapi_url": openapi_url,
                "openapi_absolute": request.build_absolute_uri(openapi_url),
                "base_url": request.build_absolute_uri(reverse(f"{api.urls_namespace}:api-root")),
                "page_title": _("Documentation de l’API"),
                "breadcrumb": [
                    {"label": _("Données ouvertes"), "url": reverse("core:open_data")},
                    {"label": _("API")},
                ],
            },
        )
