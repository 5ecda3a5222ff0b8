"""Create one demo account per role, for local demonstration only (refused unless settings.DEMO_ACCOUNTS)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tierslieux.accounts.models import User
from tierslieux.accounts.roles import Role
from tierslieux.accounts.services import user_grant_role

DEMO_PASSWORD = "demo-tiers-lieux"  # noqa: S105 (published: demo accounts, DEMO_ACCOUNTS only)
DEMO_ACCOUNTS = [
    (Role.PLACE_MANAGER, "gestionnaire@demo.tiers-lieux.example", "Gaëlle", "Gestionnaire"),
    (Role.APPLICANT, "porteur@demo.tiers-lieux.example", "Paul", "Porteur"),
    (Role.REVIEWER, "instructeur@demo.tiers-lieux.example", "Inès", "Instructrice"),
    (Role.PROGRAMME_STAFF, "equipe@demo.tiers-lieux.example", "Étienne", "Équipe"),
    (Role.ADMINISTRATOR, "admin@demo.tiers-lieux.example", "Adèle", "Admin"),
    (Role.EDITOR, "redaction@demo.tiers-lieux.example", "Rémi", "Rédacteur"),
]


class Command(BaseCommand):
    help = "Crée les comptes de démonstration (un par rôle). Réservé aux réglages de développement."

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEMO_ACCOUNTS:
            raise CommandError(
                "Les comptes de démonstration n’existent qu’avec les réglages de développement."
            )
        for role, email, first_name, last_name in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                email=email, defaults={"first_name": first_name, "last_name": last_name, "is_active": True}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            if role is Role.ADMINISTRATOR and not user.is_superuser:
                user.is_superuser = True
                user.is_staff = True
                user.save(update_fields=["is_superuser", "is_staff"])
            user_grant_role(user=user, role=role)
        self.stdout.write(f"Comptes de démonstration (mot de passe « {DEMO_PASSWORD} ») :")
        for role, email, _first, _last in DEMO_ACCOUNTS:
            self.stdout.write(f"  {role.label:<24} {email}")
