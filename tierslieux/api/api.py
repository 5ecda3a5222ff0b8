"""The public API, documented in OpenAPI at /api/v1/docs.

Each capability defines its own `ninja.Router` in `tierslieux/<app>/api.py`; it is mounted here.
"""

from ninja import NinjaAPI

api = NinjaAPI(
    title="API Tiers-Lieux",
    version="1.0.0",
    description=(
        "Données publiques de la plateforme Tiers-Lieux : géographie de référence, tiers-lieux, "
        "appels à manifestation d’intérêt et lauréats. Licence Ouverte 2.0."
    ),
    urls_namespace="api-1.0.0",
)

api.add_router("/territoires", "tierslieux.geo.api.router")
api.add_router("/", "tierslieux.places.api.router")
api.add_router("/calls", "tierslieux.calls.api.router")
api.add_router("/laureats", "tierslieux.calls.api_review.laureates_router")
api.add_router("/dossiers", "tierslieux.calls.api_review.applications_router")
api.add_router("/coverage", "tierslieux.geo.diagnostic.api.router")
api.add_router("/selection", "tierslieux.selection.api.router")
