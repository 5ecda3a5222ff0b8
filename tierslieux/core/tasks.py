from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email_task(
    *, subject: str, text: str, html: str, to: list[str], reply_to: list[str] | None = None
) -> int:
    """Send one rendered email over SMTP; returns the number of messages sent."""
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=to, reply_to=reply_to or None
    )
    message.attach_alternative(html, "text/html")
    return message.send()
