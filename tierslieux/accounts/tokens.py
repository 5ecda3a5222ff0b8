from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """One-time token for the confirmation link of one sign-up request: invalid once the account is active
    (and after PASSWORD_RESET_TIMEOUT)."""

    key_salt = "tierslieux.accounts.EmailConfirmationTokenGenerator.v2"

    def _make_hash_value(self, signup_request, timestamp):
        user = signup_request.user
        return f"{signup_request.pk}:{user.pk}:{user.is_active}:{user.email}:{timestamp}"


email_confirmation_token = EmailConfirmationTokenGenerator()
