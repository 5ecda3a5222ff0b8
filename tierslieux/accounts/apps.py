from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "tierslieux.accounts"
    label = "accounts"
    verbose_name = "Comptes"

    def ready(self) -> None:
        from .permissions import sync_role_groups

        post_migrate.connect(sync_role_groups, dispatch_uid="accounts.sync_role_groups")
