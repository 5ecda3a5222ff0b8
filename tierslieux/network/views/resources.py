"""Pages of the resource library: search, resource page with its versions, sharing, downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tierslieux.accounts.roles import is_programme_staff
from tierslieux.core.markdown import render_markdown
from tierslieux.places.models import Place

from .. import services, workflows
from ..forms.resources import ResourceFilterForm, ResourceForm, VersionForm
from ..models import Resource
from ..selectors import resources as selectors
from .common import form_page, submit


def crumbs(*items) -> list[dict]:
    return [
        {"label": _("Réseau"), "url": reverse("network:index")},
        {"label": _("Ressources"), "url": reverse("network:resources")},
        *items,
    ]


@require_GET
def resources(request):
    """Public: the library, searched and filtered (type, licence, tag)."""
    filters = selectors.parse_filters(request.GET)
    may_share = request.user.is_authenticated and (
        is_programme_staff(request.user) or request.user.managed_places.exists()
    )
    return render(
        request,
        "network/resources/index.html",
        {
            "filters": filters,
            "form": ResourceFilterForm(request.GET or None),
            "resources": selectors.resources_filtered(filters),
            "tags": selectors.resource_tags(),
            "may_share": may_share,
            "page_title": _("Ressources pour les tiers-lieux"),
            "breadcrumb": [*crumbs()[:-1], {"label": _("Ressources")}],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def resource_create(request):
    """Managers of a place and programme staff: share a resource (a file checked by content, or a link)."""
    if not (is_programme_staff(request.user) or request.user.managed_places.exists()):
        raise PermissionDenied
    places = (
        Place.objects.order_by("name")
        if is_programme_staff(request.user) and not request.user.managed_places.exists()
        else request.user.managed_places.order_by("name")
    )
    form = ResourceForm(request.POST or None, request.FILES or None, places=places)
    status = 200
    if request.method == "POST":
        resource, status = submit(
            form,
            lambda data: services.resource_create(
                user=request.user, data=data, upload=data.get("file"), link=data.get("link") or ""
            ),
        )
        if resource is not None:
            messages.success(request, _("Ressource partagée."))
            return redirect(resource)
    return form_page(
        request,
        form=form,
        title=_("Partager une ressource"),
        submit_label=_("Partager"),
        access=_(
            "Les gestionnaires de lieux et l’équipe du programme partagent des ressources ; tout le monde les consulte et les télécharge."
        ),
        crumbs=crumbs({"label": _("Partager")}),
        status=status,
        multipart=True,
        back_url=reverse("network:resources"),
    )


def _resource(request, slug: str) -> Resource:
    resource = get_object_or_404(Resource.objects.select_related("author_place"), slug=slug)
    if not selectors.resource_can_see(request.user, resource):
        raise Http404
    return resource


@require_GET
def resource(request, slug: str):
    """Public while published (a withdrawn one: its author and staff): the resource and every version kept."""
    item = _resource(request, slug)
    roles = selectors.resource_roles(request.user, item)
    return render(
        request,
        "network/resources/detail.html",
        {
            "resource": item,
            "description": render_markdown(item.description),
            "versions": item.versions.all(),
            "can_version": bool(roles),
            "actions": workflows.RESOURCE.available(item.status, roles),
            "page_title": item.title,
            "breadcrumb": crumbs({"label": item.title}),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def version_add(request, slug: str):
    """Its author (or a manager of its place) and programme staff: publish a new version (the others stay)."""
    item = _resource(request, slug)
    if not selectors.resource_roles(request.user, item):
        raise PermissionDenied
    form = VersionForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        version, status = submit(
            form,
            lambda data: services.resource_add_version(
                user=request.user,
                resource=item,
                version=data["version"],
                note=data.get("note") or "",
                upload=data.get("file"),
                link=data.get("link") or "",
            ),
        )
        if version is not None:
            messages.success(request, _("Nouvelle version publiée."))
            return redirect(item)
    return form_page(
        request,
        form=form,
        title=_("Nouvelle version : %(title)s") % {"title": item.title},
        submit_label=_("Publier la version"),
        access=_(
            "L’auteur de la ressource, les gestionnaires de son lieu et l’équipe du programme en publient de nouvelles versions ; les précédentes restent téléchargeables."
        ),
        crumbs=crumbs(
            {"label": item.title, "url": item.get_absolute_url()}, {"label": _("Nouvelle version")}
        ),
        status=status,
        multipart=True,
        back_url=item.get_absolute_url(),
    )


@require_GET
def download(request, slug: str, number: int):
    """Public: download one version (counted), or follow its link."""
    item = _resource(request, slug)
    version = get_object_or_404(item.versions, number=number)
    services.resource_count_download(version=version)
    if version.link:
        return redirect(version.link)
    extension = version.file.name.rsplit(".", 1)[-1] if "." in version.file.name else "bin"
    response = FileResponse(
        version.file.open("rb"),
        content_type=version.content_type,
        as_attachment=True,
        filename=f"{item.slug}-v{version.version}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def resource_action(request, slug: str):
    """Its author and programme staff: withdraw or publish again."""
    item = _resource(request, slug)
    services.resource_transition(
        user=request.user,
        resource=item,
        action=request.POST.get("action", ""),
        reason=request.POST.get("reason", ""),
    )
    messages.success(
        request, _("Ressource : %(status)s.") % {"status": workflows.RESOURCE.label(item.status)}
    )
    return redirect(item)
