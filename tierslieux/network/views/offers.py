"""Pages of offers and needs ("Je propose" / "Je cherche"), profiles, "Autour de moi", moderation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tierslieux.accounts.roles import is_programme_staff
from tierslieux.core.errors import ServiceError
from tierslieux.core.markdown import render_markdown

from .. import services, workflows
from ..forms import MessageForm
from ..forms.offers import AroundForm, ListingFilterForm, ListingForm, ProfileForm, ReportForm
from ..models import AbuseReport, Listing, NetworkProfile, Skill
from ..selectors import events as event_selectors
from ..selectors import mentoring as mentoring_selectors
from ..selectors import offers as selectors
from .common import form_page, submit


def crumbs(*items) -> list[dict]:
    return [{"label": _("Réseau"), "url": reverse("network:index")}, *items]


@require_GET
def index(request):
    """Public: the published offers and needs, filtered (side, kind, words, around a commune)."""
    filters = selectors.parse_filters(request.GET)
    listings = selectors.listings_filtered(filters)
    page = Paginator(listings, 20).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "network/index.html",
        {
            "page_title": _("Réseau : je propose, je cherche"),
            "breadcrumb": [{"label": _("Réseau")}],
            "filters": filters,
            "form": ListingFilterForm(request.GET or None),
            "page_obj": page,
            "query": params.urlencode(),
            "profiles": selectors.profiles_public().order_by("-updated_at")[:12],
        },
    )


def _listing_data(cleaned: dict) -> dict:
    return dict(cleaned)


def _listing_form_page(request, form, *, listing=None, status=200):
    title = _("Modifier l’annonce") if listing else _("Nouvelle annonce")
    return form_page(
        request,
        form=form,
        title=title,
        submit_label=_("Enregistrer le brouillon")
        if listing is None or listing.status == "draft"
        else _("Enregistrer"),
        access=_(
            "Toute personne connectée publie des annonces, à titre personnel ou au nom des lieux qu’elle gère. "
            "L’annonce reste un brouillon, visible de vous seul, jusqu’à sa publication."
        ),
        crumbs=crumbs({"label": title}),
        status=status,
        back_url=listing.get_absolute_url() if listing else reverse("network:mine"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def listing_create(request):
    """Signed-in people: write a draft offer or need (for themselves or a place they manage)."""
    form = ListingForm(
        request.POST or None,
        places=request.user.managed_places.order_by("name"),
        initial={"side": request.GET.get("side", "offer")},
    )
    status = 200
    if request.method == "POST":
        listing, status = submit(form, lambda data: services.listing_save(user=request.user, data=data))
        if listing is not None:
            messages.success(request, _("Brouillon enregistré : vérifiez-le puis publiez-le."))
            return redirect(listing)
    return _listing_form_page(request, form, status=status)


def _listing(request, pk: int) -> Listing:
    listing = get_object_or_404(selectors.listings_with_relations(), pk=pk)
    if not selectors.listing_can_see(request.user, listing):
        raise Http404
    return listing


@login_required
@require_http_methods(["GET", "POST"])
def listing_edit(request, pk: int):
    """Its author (or a manager of its place): change a draft or published listing."""
    listing = _listing(request, pk)
    if workflows.OWNER not in selectors.listing_roles(request.user, listing):
        raise PermissionDenied
    initial = {name: getattr(listing, name) for name in services.offers.LISTING_FIELDS}
    initial["tags"] = ", ".join(listing.tags)
    initial["commune"] = listing.commune if not listing.place_id else None
    form = ListingForm(
        request.POST or None, places=request.user.managed_places.order_by("name"), initial=initial
    )
    status = 200
    if request.method == "POST":
        saved, status = submit(
            form, lambda data: services.listing_save(user=request.user, data=data, listing=listing)
        )
        if saved is not None:
            messages.success(request, _("Annonce enregistrée."))
            return redirect(saved)
    return _listing_form_page(request, form, listing=listing, status=status)


@require_GET
def listing(request, pk: int):
    """Public when published or ended; a draft or a removed listing: its author and programme staff only. Its
    author sees the matching listings; anyone signed in may write to the author through the platform or
    report the listing."""
    listing = _listing(request, pk)
    roles = selectors.listing_roles(request.user, listing)
    return render(
        request,
        "network/listing.html",
        {
            "listing": listing,
            "description": render_markdown(listing.description),
            "roles": roles,
            "can_edit": workflows.OWNER in roles and listing.status in workflows.OPEN_LISTING_STATES,
            "actions": selectors.listing_actions(request.user, listing),
            "matches": selectors.listing_matches(listing) if listing.status in {"published", "draft"} else [],
            "contact_form": MessageForm()
            if listing.status == "published" and workflows.OWNER not in roles
            else None,
            "page_title": listing.title,
            "breadcrumb": crumbs({"label": listing.title}),
        },
    )


@login_required
@require_POST
def listing_action(request, pk: int):
    """Its author: publish, mark as fulfilled, close; programme staff: remove (with a reason)."""
    listing = _listing(request, pk)
    action = request.POST.get("action", "")
    if action == "publish":
        found = services.listing_publish(listing=listing, user=request.user)
        messages.success(
            request,
            _("Annonce publiée : %(count)s correspondance(s) trouvée(s).") % {"count": len(found)},
        )
    else:
        services.listing_transition(
            listing=listing, user=request.user, action=action, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Annonce : %(status)s.") % {"status": listing.status_label})
    return redirect(listing)


@login_required
@require_http_methods(["GET", "POST"])
def listing_contact(request, pk: int):
    """Signed-in people: write to the author of a published listing; the message is relayed by email, no
    address is shown."""
    listing = _listing(request, pk)
    form = MessageForm(request.POST or None)
    status = 200
    if request.method == "POST":
        sent, status = submit(
            form,
            lambda data: services.message_relay(
                sender=request.user, listing=listing, message=data["message"]
            ),
        )
        if sent is not None:
            messages.success(
                request, _("Votre message est transmis : la réponse vous parviendra par courriel.")
            )
            return redirect(listing)
    return form_page(
        request,
        form=form,
        title=_("Écrire à l’auteur : %(title)s") % {"title": listing.title},
        submit_label=_("Envoyer le message"),
        access=_(
            "Toute personne connectée peut écrire à l’auteur d’une annonce publiée. Le message part par courriel ; aucune adresse n’est affichée."
        ),
        crumbs=crumbs({"label": listing.title, "url": listing.get_absolute_url()}, {"label": _("Écrire")}),
        status=status,
        back_url=listing.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def listing_report(request, pk: int):
    """Signed-in people: report a published listing to programme staff."""
    listing = _listing(request, pk)
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        report, status = submit(
            form, lambda data: services.listing_report(listing=listing, user=request.user, **data)
        )
        if report is not None:
            messages.success(request, _("Merci : l’équipe du programme examinera cette annonce."))
            return redirect(listing)
    return form_page(
        request,
        form=form,
        title=_("Signaler l’annonce : %(title)s") % {"title": listing.title},
        submit_label=_("Envoyer le signalement"),
        access=_(
            "Toute personne connectée peut signaler une annonce ; l’équipe du programme la retire si besoin."
        ),
        crumbs=crumbs({"label": listing.title, "url": listing.get_absolute_url()}, {"label": _("Signaler")}),
        status=status,
        back_url=listing.get_absolute_url(),
    )


@require_GET
def around(request):
    """Public: offers, needs, events and companion places around a commune or a position."""
    filters = selectors.parse_filters(request.GET)
    context = {
        "filters": filters,
        "form": AroundForm(
            request.GET or None, auto_id="%s"
        ),  # ids "around" and "radius", as around.js reads
        "page_title": _("Autour de moi"),
        "breadcrumb": crumbs({"label": _("Autour de moi")}),
    }
    if filters.has_origin:
        import datetime as dt

        from django.utils import timezone

        now = timezone.now()
        events = event_selectors.occurrences(
            event_selectors.events_with_relations().filter(status="confirmed"),
            now,
            now + dt.timedelta(days=60),
            limit=200,
        )
        near_events = selectors.near(
            [o.event for o in events], lon=filters.lon, lat=filters.lat, radius_km=filters.radius_km
        )
        seen, upcoming = set(), []
        distances = {e.pk: e.distance_km for e in near_events}
        for occurrence in events:
            if occurrence.event.pk in distances and occurrence.event.pk not in seen:
                seen.add(occurrence.event.pk)
                upcoming.append((occurrence, distances[occurrence.event.pk]))
        mentors = list(mentoring_selectors.mentor_offers_active())
        for mentor in mentors:
            mentor.lon, mentor.lat = mentor.place.lon, mentor.place.lat
        context |= {
            "listings": selectors.listings_filtered(filters)[:50],
            "events": upcoming[:20],
            "mentors": selectors.near(mentors, lon=filters.lon, lat=filters.lat, radius_km=filters.radius_km)[
                :10
            ],
        }
    return render(request, "network/around.html", context)


@require_GET
def person(request, user_id: int):
    """Public when the person made their profile public (skills, commune, listings — never their email)."""
    profile = get_object_or_404(selectors.profiles_public(), user_id=user_id)
    return render(
        request,
        "network/person.html",
        {
            "profile": profile,
            "skills": [label for code, label in Skill.choices if code in profile.skills],
            "listings": selectors.listings_active().filter(owner=profile.user, place=None),
            "page_title": str(profile.user.display_name),
            "breadcrumb": crumbs({"label": profile.user.display_name}),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_contact(request, user_id: int):
    """Signed-in people: write to a person with a public profile (relayed by email, no address shown)."""
    profile = get_object_or_404(selectors.profiles_public(), user_id=user_id)
    form = MessageForm(request.POST or None)
    status = 200
    if request.method == "POST":
        sent, status = submit(
            form,
            lambda data: services.message_relay(
                sender=request.user, recipient=profile.user, message=data["message"]
            ),
        )
        if sent is not None:
            messages.success(
                request, _("Votre message est transmis : la réponse vous parviendra par courriel.")
            )
            return redirect(profile)
    return form_page(
        request,
        form=form,
        title=_("Écrire à %(name)s") % {"name": profile.user.display_name},
        submit_label=_("Envoyer le message"),
        access=_(
            "Toute personne connectée peut écrire à une personne au profil public. Aucune adresse n’est affichée."
        ),
        crumbs=crumbs(
            {"label": profile.user.display_name, "url": profile.get_absolute_url()}, {"label": _("Écrire")}
        ),
        status=status,
        back_url=profile.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """Signed-in people: their network profile (public or not) and whether match emails are sent."""
    current = selectors.profile_for(request.user) or NetworkProfile(user=request.user)
    initial = {
        "is_public": current.is_public,
        "skills": current.skills,
        "tags": ", ".join(current.tags),
        "commune": current.commune,
        "bio": current.bio,
        "notify_matches": current.notify_matches,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        saved, status = submit(form, lambda data: services.profile_save(user=request.user, data=data))
        if saved is not None:
            messages.success(request, _("Profil enregistré."))
            return redirect("network:mine")
    return form_page(
        request,
        form=form,
        title=_("Mon profil dans le réseau"),
        submit_label=_("Enregistrer"),
        access=_(
            "Vous seul modifiez votre profil. Public, il montre votre nom, vos compétences, votre commune et votre présentation, jamais votre adresse électronique."
        ),
        crumbs=crumbs({"label": _("Mon profil")}),
        status=status,
        back_url=reverse("network:mine"),
    )


@login_required
@require_GET
def mine(request):
    """Signed-in people: their listings, the events of the places they manage, their mentoring and resources."""
    from ..selectors import resources as resource_selectors

    return render(
        request,
        "network/mine.html",
        {
            "listings": selectors.listings_of(request.user),
            "places": event_selectors.places_managed_by(request.user),
            "requests": mentoring_selectors.requests_of(request.user),
            "pairings": mentoring_selectors.pairings_of(request.user),
            "resources": resource_selectors.resources_of(request.user),
            "profile": selectors.profile_for(request.user),
            "may_ask": mentoring_selectors.may_ask(request.user),
            "is_staff": is_programme_staff(request.user),
            "page_title": _("Mon réseau"),
            "breadcrumb": crumbs({"label": _("Mon réseau")}),
        },
    )


@login_required
@require_GET
def moderation(request):
    """Programme staff: reported listings to examine and mentoring requests waiting for a companion."""
    if not is_programme_staff(request.user):
        raise PermissionDenied
    return render(
        request,
        "network/moderation.html",
        {
            "reports": selectors.reports_pending(),
            "requests": mentoring_selectors.requests_open(),
            "page_title": _("Modération du réseau"),
            "breadcrumb": crumbs({"label": _("Modération")}),
        },
    )


@login_required
@require_POST
def report_decide(request, pk: int):
    """Programme staff: remove the reported listing (with a reason) or dismiss the report."""
    report = get_object_or_404(AbuseReport.objects.select_related("listing"), pk=pk)
    try:
        services.report_decide(
            report=report,
            user=request.user,
            action=request.POST.get("action", ""),
            reason=request.POST.get("reason", ""),
        )
    except ServiceError as error:
        if error.status == 403:
            raise PermissionDenied from None
        raise
    messages.success(request, _("Signalement traité."))
    return redirect("network:moderation")


User = get_user_model()
