from __future__ import annotations

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError(_("Une adresse électronique est obligatoire."))
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person. Signs in with an email address, which is never published."""

    username = None
    email = models.EmailField(_("adresse électronique"), unique=True)
    organisation = models.CharField(_("structure"), max_length=200, blank=True, default="")
    phone = models.CharField(_("téléphone"), max_length=30, blank=True, default="")
    email_confirmed_at = models.DateTimeField(_("adresse confirmée le"), null=True, blank=True)
    # Set when the person erased their account (RGPD): the row stays, anonymised, for what the law keeps.
    erased_at = models.DateTimeField(_("compte supprimé le"), null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("utilisateur·rice")
        verbose_name_plural = _("utilisateur·rices")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def display_name(self) -> str:
        """A name safe to show to other people: never the email address."""
        return self.get_full_name() or _("Utilisateur·rice n° %(id)s") % {"id": self.pk}
