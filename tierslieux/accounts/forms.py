from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from dsfr.forms import DsfrBaseForm

from tierslieux.core.emails import email_send

from .models import User


class _NameFields(DsfrBaseForm):
    """The name and organisation fields shared by the sign-up and profile forms."""

    first_name = forms.CharField(
        label=gettext_lazy("Prénom"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=gettext_lazy("Nom"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    organisation = forms.CharField(
        label=gettext_lazy("Structure"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Le tiers-lieu, l’association ou la collectivité que vous représentez."),
    )


class SignUpForm(_NameFields):
    email = forms.EmailField(
        label=gettext_lazy("Adresse électronique"),
        help_text=gettext_lazy("Format attendu : nom@domaine.fr"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=gettext_lazy("Mot de passe"),
        strip=False,
        help_text=gettext_lazy("Au moins 12 caractères, pas uniquement des chiffres."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self) -> str:
        # Whether the address already has an account is never told here (services.user_sign_up).
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
        if p1:
            candidate = User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EmailAuthenticationForm(DsfrBaseForm, AuthenticationForm):
    username = forms.EmailField(
        label=gettext_lazy("Adresse électronique"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": gettext_lazy("Adresse électronique ou mot de passe incorrect."),
        "inactive": gettext_lazy(
            "Ce compte n’est pas encore activé : cliquez sur le lien reçu par courriel."
        ),
    }


class PlatformPasswordResetForm(DsfrBaseForm, PasswordResetForm):
    """Django's reset form, sending through the platform's email helper (SMTP, after commit)."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        context = {key: value for key, value in context.items() if key != "user"} | {"user": context["user"]}
        email_send(name="password-reset", to=[to_email], context=context)


class ProfileForm(_NameFields):
    """The person's own details (not bound to the user: an invalid post changes nothing, even in memory).
    The email address, which is their login, is not changed here."""

    phone = forms.CharField(
        label=gettext_lazy("Téléphone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )

    @classmethod
    def initial_for(cls, user: User) -> dict[str, str]:
        return {name: getattr(user, name) for name in cls.base_fields}


class PlatformSetPasswordForm(DsfrBaseForm, SetPasswordForm):
    pass


class SecondFactorForm(DsfrBaseForm):
    """A code of the authentication app (6 digits) or a recovery code."""

    code = forms.CharField(
        label=gettext_lazy("Code de vérification"),
        max_length=32,
        help_text=gettext_lazy(
            "Les 6 chiffres affichés par votre application d’authentification, ou l’un de vos codes de secours."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class EraseAccountForm(DsfrBaseForm):
    """Erasing one's account asks for the password and an explicit confirmation."""

    password = forms.CharField(
        label=gettext_lazy("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("Je comprends que la suppression de mon compte est définitive."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Ce mot de passe n’est pas le bon."))
        return password
