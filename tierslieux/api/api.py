"""The public API, documented in OpenAPI at /api/v1/docs.

Each capability defines its own `ninja.Router` in `tierslieux/<app>/api.py`; it is mounted here.
"""

from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from tierslieux.core.errors import ServiceError

from .docs import DsfrDocs

ERROR_SCHEMA = {
    "title": "Erreur",
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "Message en français"},
        "errors": {
            "type": "array",
            "description": "Un élément par paramètre invalide (réponses 400)",
            "items": {
                "type": "object",
                "properties": {
                    "parameter": {"type": ["string", "null"]},
                    "in": {"type": "string"},
                    "type": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
    "required": ["detail"],
}
ERROR_DESCRIPTIONS = {
    "400": "Paramètres invalides (message en français par paramètre)",
    "401": "Authentification requise (session connectée)",
    "403": "Réservé à l’équipe du programme",
    "404": "Introuvable",
    "503": "Service momentanément indisponible (base de données), réessayer après `Retry-After` secondes",
}
# Statuses a route answers beyond the rules of TiersLieuxAPI (a staff-only route without an authentication
# scheme; a lookup by coordinates that finds nothing).
EXTRA_CODES = {"/api/v1/coverage/simulation": ["403"], "/api/v1/territoires/point": ["404"]}


class TiersLieuxAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI documents every error status the platform answers, with one error schema:
    400 for operations with parameters, 404 with path parameters, 401 and 403 for session-protected ones,
    503 for all (the database unavailable, core.observability)."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Erreur"] = ERROR_SCHEMA
        for path, operations in schema["paths"].items():
            for operation in operations.values():
                parameters = operation.get("parameters", [])
                codes = ["503"]
                if parameters:
                    codes.append("400")
                if any(parameter.get("in") == "path" for parameter in parameters):
                    codes.append("404")
                if operation.get("security"):
                    codes += ["401", "403"]
                codes += EXTRA_CODES.get(path, [])
                for code in codes:
                    operation["responses"].setdefault(
                        code,
                        {
                            "description": ERROR_DESCRIPTIONS[code],
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Erreur"}}
                            },
                        },
                    )
        return schema


api = TiersLieuxAPI(
    title="API Tiers-Lieux",
    version="1.0.0",
    description=(
        "Données publiques de la plateforme Tiers-Lieux : géographie de référence, tiers-lieux, "
        "appels à manifestation d’intérêt et lauréats. Licence Ouverte 2.0."
    ),
    urls_namespace="api-1.0.0",
    docs=DsfrDocs(),  # the reference in the platform's accessible shell (tierslieux/api/docs.py)
)

api.add_router("/territoires", "tierslieux.geo.api.router")
api.add_router("/", "tierslieux.places.api.router")
api.add_router("/calls", "tierslieux.calls.api.router")
api.add_router("/laureats", "tierslieux.calls.api_review.laureates_router")
api.add_router("/dossiers", "tierslieux.calls.api_review.applications_router")
api.add_router("/coverage", "tierslieux.geo.diagnostic.api.router")
api.add_router("/selection", "tierslieux.selection.api.router")
api.add_router("/subventions", "tierslieux.followup.api.router")
api.add_router("/observatoire", "tierslieux.observatory.api.router")


def _error_message(error: dict) -> str:
    """One pydantic error of a request parameter, said in French."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    messages = {
        "missing": _("Paramètre obligatoire."),
        "int_parsing": _("Nombre entier attendu."),
        "int_from_float": _("Nombre entier attendu."),
        "float_parsing": _("Nombre attendu."),
        "bool_parsing": _("Booléen attendu (true ou false)."),
        "date_from_datetime_parsing": _("Date attendue (AAAA-MM-JJ)."),
        "date_parsing": _("Date attendue (AAAA-MM-JJ)."),
        "finite_number": _("Nombre fini attendu."),
    }
    if kind in messages:
        return messages[kind]
    bounds = {
        "less_than_equal": _("Doit être inférieur ou égal à %(value)s."),
        "less_than": _("Doit être strictement inférieur à %(value)s."),
        "greater_than_equal": _("Doit être supérieur ou égal à %(value)s."),
        "greater_than": _("Doit être strictement supérieur à %(value)s."),
    }
    if kind in bounds:
        value = next(iter(ctx.values()), "")
        return bounds[kind] % {"value": value}
    if kind in {"string_too_long", "too_long"}:
        return _("Trop long (%(max)s au plus).") % {"max": ctx.get("max_length", "")}
    if kind in {"literal_error", "enum"}:
        return _("Valeur non reconnue (valeurs possibles : %(expected)s).") % {
            "expected": ctx.get("expected", "")
        }
    return _("Valeur invalide.")


@api.exception_handler(ValidationError)
def invalid_parameters(request, exc: ValidationError):
    """Bad parameters: 400 with a French message per parameter (not django-ninja's 422 in English)."""
    errors = [
        {
            "parameter": ".".join(str(part) for part in error.get("loc", ())[1:]) or None,
            "in": (error.get("loc") or ("",))[0],
            "type": error.get("type", ""),
            "message": _error_message(error),
        }
        for error in exc.errors
    ]
    return api.create_response(request, {"detail": _("Paramètres invalides."), "errors": errors}, status=400)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc: AuthenticationError):
    return api.create_response(request, {"detail": _("Authentification requise.")}, status=401)


@api.exception_handler(ServiceError)
def refused(request, exc: ServiceError):
    """A service's refusal: its status with `{"detail": French message}`."""
    return api.create_response(request, {"detail": exc.message}, status=exc.status)
