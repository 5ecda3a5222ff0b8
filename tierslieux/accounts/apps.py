from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "tierslieux.accounts"
    label = "accounts"
    verbose_name = "Comptes"

    def ready(self) -> None:
        from . import personal_data
        from .permissions import sync_role_groups
        from .services import account_export

        post_migrate.connect(sync_role_groups, dispatch_uid="accounts.sync_role_groups")
        # The account itself is anonymised last by `services.user_erase`, after every other section.
        personal_data.register("account", label=personal_data.ACCOUNT_LABEL, export=account_export)
