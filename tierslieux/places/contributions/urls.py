"""Mounted under /lieux/ before the atlas pages: paths never clash with /lieux/<slug>/."""

from django.urls import path

from .views import imports, manage, moderation, public

app_name = "contributions"

urlpatterns = [
    path("contribuer/proposer/", public.propose, name="propose"),
    path("contribuer/merci/", public.thanks, name="thanks"),
    path("contribuer/mes-contributions/", public.my_contributions, name="mine"),
    path("moderation/", moderation.queue, name="moderation"),
    path("moderation/propositions/<int:pk>/", moderation.proposal, name="moderation_proposal"),
    path("moderation/signalements/<int:pk>/", moderation.report, name="moderation_report"),
    path("moderation/revendications/<int:pk>/", moderation.claim, name="moderation_claim"),
    path("moderation/messages/<int:pk>/", moderation.contact, name="moderation_contact"),
    path("moderation/lieux-en-projet/<int:pk>/", moderation.project_place, name="moderation_project_place"),
    path("import/", imports.upload, name="import"),
    path("import/historique/", imports.history, name="import_history"),
    path("import/<int:pk>/", imports.detail, name="import_detail"),
    path("import/<int:pk>/colonnes/", imports.mapping, name="import_mapping"),
    path("import/<int:pk>/valeurs/", imports.values, name="import_values"),
    path("import/<int:pk>/apercu/", imports.preview, name="import_preview"),
    path("import/<int:pk>/rapport.csv", imports.report, name="import_report"),
    path("import/<int:pk>/annuler/", imports.cancel, name="import_cancel"),
    path("<slug:slug>/proposer/", public.propose_change, name="propose_change"),
    path("<slug:slug>/signaler/", public.report, name="report"),
    path("<slug:slug>/revendiquer/", public.claim, name="claim"),
    path("<slug:slug>/contact/", public.contact, name="contact"),
    path("<slug:slug>/modifier/", manage.edit, name="edit"),
    path("<slug:slug>/photos/", manage.photos, name="photos"),
    path("<slug:slug>/photos/<int:pk>/", manage.photo_action, name="photo_action"),
]
