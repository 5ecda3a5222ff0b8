from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "tierslieux.geo"
    label = "geo"
    verbose_name = "Géographie de référence"
