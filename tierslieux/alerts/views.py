"""Pages of the alerts. Every page here is public except "Mes alertes" (signed-in person): the links of the
emails (confirm, manage, unsubscribe) carry a signed token instead of a login."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from tierslieux.core.errors import ServiceError
from tierslieux.core.ratelimit import rate_hit, rate_limited

from . import selectors, services, streams, tokens, workflow
from .forms import CONSENT_TEXT, ManageRequestForm, SubscribeForm, params_from_query
from .models import Frequency

SUBSCRIBE_LIMIT = 20  # subscription requests per client IP and hour


def _crumbs(*labels: tuple[str, str | None]) -> list[dict]:
    crumbs = [{"label": _("Alertes par courriel"), "url": reverse("alerts:index")}]
    return crumbs + [{"label": label, "url": url} for label, url in labels]


@require_GET
def index(request):
    """Public: what one can be alerted about, and how to manage one's alerts."""
    entries = []
    for stream in streams.public_streams():
        try:
            stream.validate_params({})
            url = f"{reverse('alerts:subscribe')}?stream={stream.key}"
        except ServiceError:
            url = ""
        entries.append({"stream": stream, "url": url})
    return render(
        request,
        "alerts/index.html",
        {
            "entries": entries,
            "page_title": _("Alertes par courriel"),
            "breadcrumb": [{"label": _("Alertes par courriel")}],
        },
    )


def _subscribe_page(request, form, stream, label, status=200):
    return render(
        request,
        "alerts/subscribe.html",
        {
            "form": form,
            "stream": stream,
            "label": label,
            "page_title": _("Créer une alerte"),
            "breadcrumb": _crumbs((_("Créer une alerte"), None)),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def subscribe(request):
    """Public: subscribe an address (no account needed) to a stream; bad input: 400 with what was typed."""
    if request.method == "GET":
        stream = streams.get(request.GET.get("stream", ""))
        if not stream.public:
            raise Http404
        params = stream.validate_params(params_from_query(request.GET))
        initial = {
            "stream": stream.key,
            "params": json.dumps(params, ensure_ascii=False),
            "source": request.GET.get("source") or "alerts.page",
            "frequency": request.GET.get("frequency") or Frequency.WEEKLY,
            "email": request.user.email if request.user.is_authenticated else "",
        }
        return _subscribe_page(
            request, SubscribeForm(initial=initial), stream, stream.describe_params(params)
        )
    form = SubscribeForm(request.POST)
    stream = streams.STREAMS.get(request.POST.get("stream", ""))
    if stream is None or not stream.public:
        raise ServiceError(_("Ce type d’alerte n’existe pas."), status=400)
    label = stream.title
    if form.is_valid():
        if rate_limited(request, "alerts.subscribe", limit=SUBSCRIBE_LIMIT):
            raise ServiceError(
                _("Trop de demandes depuis cette connexion : réessayez dans une heure."), status=429
            )
        data = form.cleaned_data
        try:
            outcome = services.subscription_request(
                email=data["email"],
                stream_key=stream.key,
                params=data["params"],
                frequency=data["frequency"],
                source=data["source"],
                consent_text=str(CONSENT_TEXT),
                user=request.user,
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            rate_hit(request, "alerts.subscribe")
            request.session["alerts_confirmed"] = outcome.confirmed
            return redirect("alerts:requested")
    else:
        try:
            label = stream.describe_params(stream.validate_params(form.cleaned_data.get("params") or {}))
        except ServiceError:
            pass
    return _subscribe_page(request, form, stream, label, status=400)


@require_GET
def requested(request):
    """Public: after a request, "check your inbox" (or "your alert is active" for a signed-in person)."""
    confirmed = request.session.pop("alerts_confirmed", False)
    return render(
        request,
        "alerts/requested.html",
        {
            "confirmed": confirmed,
            "days": services.CONFIRMATION_EXPIRY.days,
            "page_title": _("Alerte active") if confirmed else _("Confirmez votre alerte"),
            "breadcrumb": _crumbs((_("Demande envoyée"), None)),
        },
    )


def _invalid(request, status=400):
    return render(
        request,
        "alerts/invalid_link.html",
        {"page_title": _("Lien invalide"), "breadcrumb": _crumbs((_("Lien invalide"), None))},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """Public (signed link of the confirmation email): the page shows what will be confirmed and a button;
    only the button (POST) confirms, so mail scanners that open links confirm nothing. Bad or expired link:
    400."""
    recipient = tokens.read_confirm_token(token)
    if recipient is None:
        return _invalid(request)
    now = timezone.now()
    confirmed = []
    if request.method == "POST":
        confirmed = services.subscriptions_confirm(recipient=recipient, now=now)
    return render(
        request,
        "alerts/confirm.html",
        {
            "pending": list(selectors.pending_subscriptions(recipient, now)),
            "confirmed": confirmed,
            "posted": request.method == "POST",
            "manage_url": reverse("alerts:manage", args=[tokens.manage_token(recipient)]),
            "page_title": _("Confirmer mes alertes"),
            "breadcrumb": _crumbs((_("Confirmation"), None)),
        },
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """Public (signed link of every alert email, RFC 8058): a POST unsubscribes at once with no login, cookie
    or CSRF token — the signed token is the proof — as mail providers do for `List-Unsubscribe-Post` (their
    one-click POST gets a short plain-text answer that sets no cookie); `all` in the POST ends every
    subscription of the address. A GET only shows the button. Bad link: 400."""
    subscription = tokens.read_unsubscribe_token(token)
    if subscription is None:
        return _invalid(request)
    done = everything = False
    if request.method == "POST":
        if request.POST.get("all"):
            services.recipient_unsubscribe_all(
                recipient=subscription.recipient, source="alerts.unsubscribe_all"
            )
            everything = True
        else:
            source = (
                "alerts.one_click"
                if request.POST.get("List-Unsubscribe") == "One-Click"
                else "alerts.unsubscribe_page"
            )
            services.subscription_unsubscribe(subscription=subscription, source=source)
            if source == "alerts.one_click":
                # Nobody reads this answer but the mail provider: no page, hence no CSRF cookie.
                return HttpResponse(_("Désabonnement enregistré."), content_type="text/plain; charset=utf-8")
        subscription.refresh_from_db()
        done = True
    return render(
        request,
        "alerts/unsubscribe.html",
        {
            "subscription": subscription,
            "done": done,
            "everything": everything,
            "live": subscription.status in workflow.LIVE,
            "page_title": _("Se désabonner"),
            "breadcrumb": _crumbs((_("Désabonnement"), None)),
        },
    )


@require_http_methods(["GET", "POST"])
def manage_request(request):
    """Public: ask for the signed link of the page that manages every alert of an address (emailed; the
    answer is the same whether the address is known or not). Bad input: 400."""
    form = ManageRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if rate_limited(request, "alerts.manage", limit=SUBSCRIBE_LIMIT):
            raise ServiceError(
                _("Trop de demandes depuis cette connexion : réessayez dans une heure."), status=429
            )
        rate_hit(request, "alerts.manage")
        services.manage_link_request(email=form.cleaned_data["email"])
        return render(
            request,
            "alerts/manage_requested.html",
            {"page_title": _("Lien envoyé"), "breadcrumb": _crumbs((_("Gérer mes alertes"), None))},
        )
    return render(
        request,
        "alerts/manage_request.html",
        {
            "form": form,
            "page_title": _("Gérer mes alertes"),
            "breadcrumb": _crumbs((_("Gérer mes alertes"), None)),
        },
        status=400 if form.errors else 200,
    )


def _manage_post(request, recipients) -> None:
    """One action of the management page on a subscription of `recipients` (or on all of them)."""
    action = request.POST.get("action", "")
    if action == "unsubscribe_all":
        for recipient in recipients:
            services.recipient_unsubscribe_all(recipient=recipient, source="alerts.manage")
        messages.success(
            request, _("Tous vos abonnements sont supprimés : vous ne recevrez plus aucune alerte.")
        )
        return
    subscription = (
        selectors.live_subscriptions(recipients).filter(pk=request.POST.get("subscription") or 0).first()
    )
    if subscription is None:
        raise ServiceError(_("Cet abonnement n’existe pas ou est déjà terminé."), status=404)
    if action == "unsubscribe":
        services.subscription_unsubscribe(subscription=subscription, source="alerts.manage")
        messages.success(
            request, _("Vous êtes désabonné·e de « %(label)s ».") % {"label": subscription.label}
        )
    elif action == "frequency":
        services.subscription_set_frequency(
            subscription=subscription, frequency=request.POST.get("frequency", ""), source="alerts.manage"
        )
        messages.success(
            request, _("La fréquence de « %(label)s » est enregistrée.") % {"label": subscription.label}
        )
    else:
        raise ServiceError(_("Cette action n’existe pas."), status=400)


def _manage_page(request, recipients, *, title: str, intro_email: str):
    return render(
        request,
        "alerts/manage.html",
        {
            "subscriptions": list(selectors.live_subscriptions(recipients)),
            "frequencies": Frequency.choices,
            "email": intro_email,
            "page_title": title,
            "breadcrumb": _crumbs((title, None)),
        },
    )


@require_http_methods(["GET", "POST"])
def manage(request, token: str):
    """Public (signed link emailed on request, valid 30 days): every subscription of one address, to change
    its frequency, end it, or delete them all. Bad or expired link: 400."""
    recipient = tokens.read_manage_token(token)
    if recipient is None:
        return _invalid(request)
    if request.method == "POST":
        _manage_post(request, [recipient])
        return redirect(request.path)
    return _manage_page(request, [recipient], title=_("Gérer mes alertes"), intro_email=recipient.email)


@login_required
@require_http_methods(["GET", "POST"])
def mine(request):
    """Signed-in person only: the alerts of their own address(es)."""
    recipients = list(selectors.recipients_of_user(request.user))
    if request.method == "POST":
        _manage_post(request, recipients)
        return redirect("alerts:mine")
    return _manage_page(request, recipients, title=_("Mes alertes"), intro_email=request.user.email)
