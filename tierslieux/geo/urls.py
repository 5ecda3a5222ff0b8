from django.urls import path

from . import views

app_name = "geo"

urlpatterns = [
    path("contours/<str:level>.geojson", views.outlines, name="outlines"),
]
