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


class SignUpRequest(models.Model):
    """One sign-up of an address not yet confirmed: the password (hashed) and names it typed. Nothing of it
    reaches the account until the owner of the address opens this request's confirmation link, so signing
    up someone else's address neither squats it nor sets its password."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signup_requests")
    password = models.CharField(_("mot de passe (empreinte)"), max_length=128)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True, default="")
    last_name = models.CharField(_("nom"), max_length=150, blank=True, default="")
    organisation = models.CharField(_("structure"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("demande d’inscription")
        verbose_name_plural = _("demandes d’inscription")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk}"
