"""The platform's URLs plus one view that fails, for the error-reporting test."""

from django.urls import path

from config.urls import handler500, urlpatterns  # noqa: F401 (handler500 kept for this URLconf)


def failing_view(request):
    raise RuntimeError("boom in a view")


urlpatterns = [path("echec/", failing_view), *urlpatterns]
