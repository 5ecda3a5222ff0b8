"""Accounts pages. Sign-up, confirmation, login and password reset are public; the profile needs login."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from . import personal_data, services
from .forms import (
    EmailAuthenticationForm,
    EraseAccountForm,
    PlatformPasswordResetForm,
    PlatformSetPasswordForm,
    ProfileForm,
    SignUpForm,
)
from .models import User
from .roles import ROLE_LABELS, Role
from .selectors import workspace_links
from .tokens import email_confirmation_token


@require_http_methods(["GET", "POST"])
def signup(request):
    """Public: create an account; it becomes active once its email address is confirmed."""
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.user_sign_up(
            email=data["email"],
            password=data["password1"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            organisation=data["organisation"],
        )
        return redirect("accounts:signup_done")
    return render(
        request,
        "accounts/signup.html",
        {"form": form, "page_title": _("Créer un compte"), "breadcrumb": [{"label": _("Créer un compte")}]},
        status=400 if form.errors else 200,
    )


def signup_done(request):
    """Public."""
    return render(request, "accounts/signup_done.html", {"page_title": _("Confirmez votre adresse")})


def confirm(request, uidb64: str, token: str):
    """Public: the link of the confirmation email activates the account and signs the person in."""
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        user = None
    if user is None or not email_confirmation_token.check_token(user, token):
        return render(
            request, "accounts/confirm_invalid.html", {"page_title": _("Lien invalide")}, status=400
        )
    services.user_confirm_email(user=user)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Votre adresse est confirmée : bienvenue !"))
    return redirect("accounts:profile")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """Signed-in person only: their own profile. Bad input: 400, the form with what was typed."""
    form = ProfileForm(request.POST or None, initial=ProfileForm.initial_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_profile(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Votre profil est enregistré."))
            return redirect("accounts:profile")
    roles = [
        ROLE_LABELS[Role(name)]
        for name in request.user.groups.values_list("name", flat=True)
        if name in Role._value2member_map_
    ]
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "roles": roles,
            "workspace": workspace_links(request.user),
            "page_title": _("Mon compte"),
            "breadcrumb": [{"label": _("Mon compte")}],
        },
        status=400 if form.errors else 200,
    )


class BadInput400Mixin:
    """Django's auth views re-render an invalid form with 200: bad input answers 400 (the form keeps what
    was typed, except passwords, with its French messages)."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class LoginView(BadInput400Mixin, auth_views.LoginView):
    """Public."""

    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True
    extra_context = {
        "page_title": gettext_lazy("Se connecter"),
        "breadcrumb": [{"label": gettext_lazy("Se connecter")}],
    }


class LogoutView(auth_views.LogoutView):
    """Signed-in person (POST only)."""


class PasswordResetView(BadInput400Mixin, auth_views.PasswordResetView):
    """Public."""

    template_name = "accounts/password_reset.html"
    form_class = PlatformPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_context = {
        "page_title": gettext_lazy("Mot de passe oublié"),
        "breadcrumb": [{"label": gettext_lazy("Mot de passe oublié")}],
    }


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    """Public."""

    template_name = "accounts/password_reset_done.html"
    extra_context = {"page_title": gettext_lazy("Courriel envoyé")}


class PasswordResetConfirmView(BadInput400Mixin, auth_views.PasswordResetConfirmView):
    """Public (with a valid one-time link; a used, expired or forged link: 400 with a French message)."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = PlatformSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")
    extra_context = {"page_title": gettext_lazy("Nouveau mot de passe")}

    def dispatch(self, *args, **kwargs):
        response = super().dispatch(*args, **kwargs)
        if not self.validlink and response.status_code == 200:
            response.status_code = 400
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    """Public."""

    template_name = "accounts/password_reset_complete.html"
    extra_context = {"page_title": gettext_lazy("Mot de passe modifié")}


@login_required
@require_GET
def my_data(request):
    """Signed-in person only: what the platform holds about them, its download and the account erasure."""
    return render(
        request,
        "accounts/my_data.html",
        {
            "sections": [_(section.label) for section in personal_data.sections()],
            "page_title": _("Mes données personnelles"),
            "breadcrumb": [
                {"label": _("Mon compte"), "url": reverse_lazy("accounts:profile")},
                {"label": _("Mes données personnelles")},
            ],
        },
    )


@login_required
@require_GET
def my_data_export(request):
    """Signed-in person only: everything the platform holds about them, as one JSON file (RGPD)."""
    data = {
        "generated_at": timezone.now().isoformat(),
        "platform": request.build_absolute_uri("/"),
        "sections": personal_data.export_all(request.user),
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="mes-donnees-tiers-lieux.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def erase(request):
    """Signed-in person only: erase their own account (password asked again). Wrong password: 400."""
    form = EraseAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_erase(user=request.user)
        logout(request)
        messages.success(request, _("Votre compte est supprimé. Merci d’avoir utilisé la plateforme."))
        return redirect("core:home")
    return render(
        request,
        "accounts/erase.html",
        {
            "form": form,
            "page_title": _("Supprimer mon compte"),
            "breadcrumb": [
                {"label": _("Mon compte"), "url": reverse_lazy("accounts:profile")},
                {"label": _("Supprimer mon compte")},
            ],
        },
        status=400 if form.errors else 200,
    )
