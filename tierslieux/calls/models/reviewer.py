"""The reviewer's profile used by the assignment proposal (their department, to avoid reviewing their own)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tierslieux.geo.models import Department


class ReviewerProfile(models.Model):
    """The department a reviewer belongs to (a proposal may avoid files of that department)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_profile"
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("département de rattachement"),
    )

    class Meta:
        verbose_name = _("profil d’instructeur·rice")
        verbose_name_plural = _("profils d’instructeur·rices")

    def __str__(self) -> str:
        return f"{self.user.display_name} ({self.department_id or '—'})"
