"""URLs of the follow-up, mounted at /suivi/ (the open data of the agreements: `urls_open_data.py`)."""

from django.urls import path

from .views import agreements, census, dashboard, manager, reports

app_name = "followup"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("export/<str:what>.<str:extension>", dashboard.export, name="export"),
    path("conventions/<int:pk>/", agreements.agreement, name="agreement"),
    path("conventions/<int:pk>/completer/", agreements.agreement_edit, name="agreement_edit"),
    path("conventions/<int:pk>/signer/", agreements.agreement_sign, name="agreement_sign"),
    path("conventions/<int:pk>/avenant/", agreements.agreement_amend, name="agreement_amend"),
    path("conventions/<int:pk>/resilier/", agreements.agreement_terminate, name="agreement_terminate"),
    path("conventions/<int:pk>/solder/", agreements.agreement_complete, name="agreement_complete"),
    path("conventions/<int:pk>/convention-signee/", agreements.agreement_file, name="agreement_file"),
    path("conventions/<int:pk>/avenants/<int:number>/", agreements.amendment_file, name="amendment_file"),
    path("tranches/<int:pk>/", agreements.tranche, name="tranche"),
    path("rapports/<int:pk>/", reports.report, name="report"),
    path("rapports/<int:pk>/accepter/", reports.report_accept, name="report_accept"),
    path("rapports/<int:pk>/corrections/", reports.report_corrections, name="report_corrections"),
    path("rapports/<int:pk>/pieces/", reports.attachment_upload, name="report_attachment_upload"),
    path(
        "rapports/<int:pk>/pieces/<int:attachment_pk>/", reports.attachment_download, name="report_attachment"
    ),
    path(
        "rapports/<int:pk>/pieces/<int:attachment_pk>/retirer/",
        reports.attachment_delete,
        name="report_attachment_delete",
    ),
    path("recensements/", census.campaigns, name="campaigns"),
    path("recensements/<int:pk>/", census.campaign, name="campaign"),
    path("recensements/<int:pk>/ouvrir/", census.campaign_open, name="campaign_open"),
    path("recensements/<int:pk>/clore/", census.campaign_close, name="campaign_close"),
    path(
        "recensements/<int:pk>/lieux/<slug:slug>/",
        census.census_answer_signed_in,
        name="census_answer_signed_in",
    ),
    path("recensement/<str:token>/", census.census_answer, name="census_answer"),
    path("mes-lieux/", manager.my_places, name="my_places"),
    path("mes-lieux/<slug:slug>/", manager.place, name="place"),
]
