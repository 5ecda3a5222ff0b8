"""The platform's own URLs (no page of an app): served under the `core` namespace by `tierslieux.www.urls`."""

from django.urls import path

from . import views

urlpatterns = [
    path("securite/csp/", views.csp_report, name="csp_report"),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
    path("sante/", views.health, name="health"),
    path("sante/ok/", views.ping, name="ping"),
]
