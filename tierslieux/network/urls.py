"""Mounted under /reseau/: offers and needs, people, "Autour de moi", mentoring, resources, moderation."""

from django.urls import path

from .views import mentoring, offers, resources

app_name = "network"

urlpatterns = [
    path("", offers.index, name="index"),
    path("autour-de-moi/", offers.around, name="around"),
    path("annonces/nouvelle/", offers.listing_create, name="listing_create"),
    path("annonces/<int:pk>/", offers.listing, name="listing"),
    path("annonces/<int:pk>/modifier/", offers.listing_edit, name="listing_edit"),
    path("annonces/<int:pk>/action/", offers.listing_action, name="listing_action"),
    path("annonces/<int:pk>/ecrire/", offers.listing_contact, name="listing_contact"),
    path("annonces/<int:pk>/signaler/", offers.listing_report, name="listing_report"),
    path("personnes/<int:user_id>/", offers.person, name="person"),
    path("personnes/<int:user_id>/ecrire/", offers.person_contact, name="person_contact"),
    path("mon-profil/", offers.profile, name="profile"),
    path("mon-reseau/", offers.mine, name="mine"),
    path("moderation/", offers.moderation, name="moderation"),
    path("moderation/signalements/<int:pk>/", offers.report_decide, name="report_decide"),
    path("compagnonnage/", mentoring.mentoring, name="mentoring"),
    path("compagnonnage/lieux/<slug:slug>/", mentoring.mentor_offer_edit, name="mentor_offer"),
    path("compagnonnage/demander/", mentoring.request_create, name="mentoring_request_create"),
    path("compagnonnage/demandes/<int:pk>/", mentoring.request_detail, name="mentoring_request"),
    path("compagnonnage/demandes/<int:pk>/choisir/", mentoring.request_choose, name="mentoring_choose"),
    path("compagnonnage/demandes/<int:pk>/former/", mentoring.request_pair, name="mentoring_pair"),
    path("compagnonnage/demandes/<int:pk>/retirer/", mentoring.request_withdraw, name="mentoring_withdraw"),
    path("compagnonnage/<int:pk>/", mentoring.pairing_detail, name="pairing"),
    path("compagnonnage/<int:pk>/action/", mentoring.pairing_action, name="pairing_action"),
    path("compagnonnage/<int:pk>/rencontres/", mentoring.meeting_add, name="pairing_meeting"),
    path("ressources/", resources.resources, name="resources"),
    path("ressources/partager/", resources.resource_create, name="resource_create"),
    path("ressources/<slug:slug>/", resources.resource, name="resource"),
    path("ressources/<slug:slug>/version/", resources.version_add, name="resource_version"),
    path("ressources/<slug:slug>/telecharger/<int:number>/", resources.download, name="resource_download"),
    path("ressources/<slug:slug>/action/", resources.resource_action, name="resource_action"),
]
