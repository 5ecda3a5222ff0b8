from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, include, path

from tierslieux.api.api import api
from tierslieux.places.api import memory_first

api_urls = api.urls
ninja_views = {pattern.name: pattern.callback for pattern in api_urls[0] if isinstance(pattern, URLPattern)}

admin.site.site_header = "Tiers-Lieux — administration"
admin.site.site_title = "Tiers-Lieux"

urlpatterns = [
    path("", include("tierslieux.www.urls")),
    path("comptes/", include("tierslieux.accounts.urls")),
    path("territoires/", include("tierslieux.geo.urls")),
    path("diagnostic/", include("tierslieux.geo.diagnostic.urls")),
    path("lieux/", include("tierslieux.places.contributions.urls")),
    path("lieux/", include("tierslieux.places.urls")),
    path("appels/", include("tierslieux.calls.urls")),
    path("selection/", include("tierslieux.selection.urls")),
    path("suivi/", include("tierslieux.followup.urls")),
    path("donnees/subventions/", include("tierslieux.followup.urls_open_data")),
    path("reseau/", include("tierslieux.network.urls")),
    path("evenements/", include("tierslieux.network.urls_events")),
    path("alertes/", include("tierslieux.alerts.urls")),
    path("actualites/", include("tierslieux.news.urls")),
    path("observatoire/", include("tierslieux.observatory.urls")),
    # The map's two routes: a kept answer is served before django-ninja (tierslieux/places/api.py::memory_first).
    path("api/v1/places", memory_first(ninja_views["places_list"])),
    path("api/v1/places/clusters", memory_first(ninja_views["places_clusters"])),
    path("api/v1/", api_urls),
    path("admin/", admin.site.urls),
]

handler400 = "tierslieux.core.views.error_400"
handler403 = "tierslieux.core.views.error_403"
handler404 = "tierslieux.core.views.error_404"
handler500 = "tierslieux.core.views.error_500"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
