from django.apps import AppConfig


def _forget_indexes(sender, **kwargs) -> None:
    from . import lookup

    lookup.invalidate()


class GeoConfig(AppConfig):
    name = "tierslieux.geo"
    label = "geo"
    verbose_name = "Géographie de référence"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import Commune, Qpv

        # A commune or QPV saved one by one (admin, factories) makes the point lookups rebuild their index;
        # the bulk loaders call lookup.invalidate() themselves.
        for model in (Commune, Qpv):
            post_save.connect(_forget_indexes, sender=model, dispatch_uid=f"geo-lookup-{model.__name__}-save")
            post_delete.connect(
                _forget_indexes, sender=model, dispatch_uid=f"geo-lookup-{model.__name__}-delete"
            )
