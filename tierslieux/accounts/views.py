"""Accounts pages. Sign-up, confirmation, login and password reset are public; the profile needs login."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from tierslieux.core import ratelimit

from . import personal_data, second_factor, services, throttling
from .forms import (
    EmailAuthenticationForm,
    EraseAccountForm,
    PlatformPasswordResetForm,
    PlatformSetPasswordForm,
    ProfileForm,
    SecondFactorForm,
    SignUpForm,
)
from .roles import ROLE_LABELS, Role
from .selectors import workspace_links


@require_http_methods(["GET", "POST"])
def signup(request):
    """Public: create an account; it becomes active once its email address is confirmed."""
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        limited = _throttled(request, "signup", settings.SIGNUP_RATE_PER_HOUR, data["email"], form)
        if limited:
            return render(request, "accounts/signup.html", _signup_context(form), status=429)
        services.user_sign_up(
            email=data["email"],
            password=data["password1"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            organisation=data["organisation"],
        )
        return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", _signup_context(form), status=400 if form.errors else 200)


def _signup_context(form) -> dict:
    return {"form": form, "page_title": _("Créer un compte"), "breadcrumb": [{"label": _("Créer un compte")}]}


def _throttled(request, scope: str, limit: int, email: str, form) -> bool:
    """Count one sign-up or reset request of this client IP and this address; past `limit` an hour, add a
    French error saying when to retry (the same for every address: nothing tells whether it has an account)."""
    extra = {"email": email}
    if ratelimit.rate_limited(request, scope, limit=limit, extra=extra):
        form.add_error(
            None,
            _("Trop de demandes depuis votre connexion ou pour cette adresse. %(wait)s")
            % {"wait": throttling.wait_message(throttling.rate_window_end())},
        )
        return True
    ratelimit.rate_hit(request, scope, extra=extra)
    return False


def signup_done(request):
    """Public."""
    return render(request, "accounts/signup_done.html", {"page_title": _("Confirmez votre adresse")})


def confirm(request, uidb64: str, token: str):
    """Public: the link of the confirmation email activates the account (with the password of that sign-up)
    and signs the person in."""
    signup_request = services.signup_request_for_link(uidb64, token)
    if signup_request is None:
        return render(
            request, "accounts/confirm_invalid.html", {"page_title": _("Lien invalide")}, status=400
        )
    user = services.user_confirm_email(signup_request=signup_request)
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
            "second_factor": second_factor.requires_second_factor(request.user),
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

    def get_success_url(self):
        """Programme staff and administrators go on to the second factor (then to where they were going)."""
        url = super().get_success_url()
        if second_factor.requires_second_factor(self.request.user):
            step = (
                "accounts:otp_verify" if second_factor.has_totp(self.request.user) else "accounts:otp_setup"
            )
            return reverse(step) + "?" + urlencode({"next": url})
        return url

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

    def form_valid(self, form):
        """Throttled per client IP and per address (429); otherwise the same answer whatever the address."""
        email = form.cleaned_data["email"]
        if _throttled(self.request, "password_reset", settings.PASSWORD_RESET_RATE_PER_HOUR, email, form):
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


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


# --- Second factor (programme staff and administrators) -------------------------------------------------------
def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("accounts:profile")


def _second_factor_guard(request):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}")
    if not second_factor.requires_second_factor(request.user):
        return redirect("accounts:profile")
    return None


WAIT_MESSAGE = gettext_lazy("Trop de codes incorrects : attendez quelques secondes avant de réessayer.")


@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """Programme staff and administrators signed in with their password: the second step of the login (a code
    of their app or a recovery code). Wrong code: 400 with a French message."""
    refused = _second_factor_guard(request)
    if refused:
        return refused
    if not second_factor.has_totp(request.user):
        return redirect(f"{reverse('accounts:otp_setup')}?{urlencode({'next': _next_url(request)})}")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor.throttled(request.user):
            form.add_error("code", WAIT_MESSAGE)
        elif second_factor.second_factor_verify(request=request, code=form.cleaned_data["code"]):
            return redirect(_next_url(request))
        else:
            form.add_error(
                "code", _("Code incorrect ou déjà utilisé. Saisissez le code affiché en ce moment.")
            )
    return render(
        request,
        "accounts/otp_verify.html",
        {"form": form, "next": _next_url(request), "page_title": _("Double authentification")},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Programme staff and administrators without an authentication app yet: enrol one (QR code and key),
    confirm it with a first code, then read the recovery codes once. Wrong code: 400."""
    refused = _second_factor_guard(request)
    if refused:
        return refused
    if second_factor.has_totp(request.user):
        return redirect(f"{reverse('accounts:otp_verify')}?{urlencode({'next': _next_url(request)})}")
    device = second_factor.pending_totp(request.user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and second_factor.throttled(request.user):
        form.add_error("code", WAIT_MESSAGE)
    elif request.method == "POST" and form.is_valid():
        codes = second_factor.totp_confirm(request=request, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            return render(
                request,
                "accounts/otp_recovery_codes.html",
                {"codes": codes, "next": _next_url(request), "page_title": _("Vos codes de secours")},
            )
        form.add_error(
            "code", _("Code incorrect. Vérifiez l’heure de votre téléphone et saisissez le code affiché.")
        )
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "next": _next_url(request),
            "qr_code": second_factor.qr_data_uri(device),
            "secret": second_factor.secret_groups(device),
            "page_title": _("Activer la double authentification"),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["POST"])
def otp_recovery_codes(request):
    """Programme staff and administrators (second factor verified): replace their recovery codes."""
    refused = _second_factor_guard(request)
    if refused:
        return refused
    codes = second_factor.recovery_codes_renew(user=request.user)
    return render(
        request,
        "accounts/otp_recovery_codes.html",
        {"codes": codes, "next": reverse("accounts:profile"), "page_title": _("Vos codes de secours")},
    )


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
