"""Admin of the accounts, and the admin site's own rule: it is for administrators only, signed in through
the platform's login with their second factor verified (programme staff work through the staff pages and
have no admin; docs/security.md)."""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.shortcuts import redirect
from django.urls import reverse

from tierslieux.core.admin_tools import ReadOnlyAdmin

from .models import SignUpRequest, User
from .roles import Role, has_role


def administrators_only(request) -> bool:
    user = request.user
    return has_role(user, Role.ADMINISTRATOR) and bool(getattr(user, "is_verified", lambda: False)())


def platform_login(request, extra_context=None):
    """The admin has no login form of its own: the platform's login (with the second factor) is used."""
    target = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")


admin.site.has_permission = administrators_only
admin.site.login = platform_login


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "organisation", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name", "organisation"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Identité", {"fields": ("first_name", "last_name", "organisation", "phone")}),
        ("Droits", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined", "email_confirmed_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(SignUpRequest)
class SignUpRequestAdmin(ReadOnlyAdmin):
    list_display = ["user", "created_at"]
    exclude = ["password"]
