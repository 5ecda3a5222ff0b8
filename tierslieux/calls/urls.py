"""URLs of the calls, mounted at /appels/. One list per audience; the review side adds its own lists here."""

from django.urls import include, path

from .views import applicant, committee, config, documents, laureates, public, review, staff, staff_lists

app_name = "calls"

public_urls = [
    path("", public.index, name="index"),
]

applicant_urls = [
    path("mes-dossiers/", applicant.my_applications, name="my_applications"),
    path("dossiers/<int:pk>/", applicant.application, name="application"),
    path("dossiers/<int:pk>/etape/<int:step>/", applicant.application_step, name="application_step"),
    path(
        "dossiers/<int:pk>/eligibilite/",
        applicant.application_eligibility_preview,
        name="application_eligibility_preview",
    ),
    path("dossiers/<int:pk>/pieces/", applicant.attachment_upload, name="attachment_upload"),
    path("dossiers/<int:pk>/pieces/<int:attachment_pk>/", applicant.attachment_download, name="attachment"),
    path(
        "dossiers/<int:pk>/pieces/<int:attachment_pk>/supprimer/",
        applicant.attachment_delete,
        name="attachment_delete",
    ),
    path("dossiers/<int:pk>/deposer/", applicant.submit, name="submit"),
    path("dossiers/<int:pk>/retirer/", applicant.withdraw, name="withdraw"),
    path("dossiers/<int:pk>/messages/", applicant.application_messages, name="application_messages"),
    path("dossiers/<int:pk>/dossier.pdf", documents.application_pdf, name="application_pdf"),
    path("dossiers/<int:pk>/accuse-de-reception.pdf", documents.receipt_pdf, name="receipt_pdf"),
]

staff_urls = [
    path("dossiers/<int:pk>/statut/", staff.transition, name="transition"),
    path("dossiers/<int:pk>/corrections/", staff.request_corrections, name="request_corrections"),
    path("dossiers/<int:pk>/qpv/confirmer/", staff.confirm_qpv, name="confirm_qpv"),
    path("gestion/<int:pk>/dossiers/", staff.call_applications, name="call_applications"),
]

config_urls = [
    path("gestion/", config.manage_index, name="manage_index"),
    path("gestion/nouvel-appel/", config.call_create, name="call_create"),
    path("gestion/<int:pk>/", config.call_manage, name="call_manage"),
    path("gestion/<int:pk>/modifier/", config.call_edit, name="call_edit"),
    path("gestion/<int:pk>/equipe/", config.call_staff, name="call_staff"),
    path("gestion/<int:pk>/regles/ajouter/", config.rule_add, name="rule_add"),
    path("gestion/<int:pk>/<str:kind>/ajouter/", config.item_edit, name="item_add"),
    path("gestion/<int:pk>/<str:kind>/<int:item_pk>/", config.item_edit, name="item_edit"),
    path("gestion/<int:pk>/<str:kind>/<int:item_pk>/supprimer/", config.item_delete, name="item_delete"),
]

# The review and decision side (reviewers, staff lists, committee, public laureates).
review_urls = [
    path("laureats/", laureates.laureates, name="laureates"),
    path("laureats.csv", laureates.laureates_csv, name="laureates_csv"),
    path("instruction/", review.reviewer_home, name="reviewer_home"),
    path("gestion/instructeurs/", review.reviewers, name="reviewers"),
    path("instruction/<int:pk>/", review.review_assignment, name="review_assignment"),
    path("instruction/affectations/<int:pk>/retirer/", review.review_unassign, name="review_unassign"),
    path("dossiers/<int:pk>/instruction/", review.review_file, name="review_file"),
    path("dossiers/<int:pk>/instruction/affecter/", review.review_assign, name="review_assign"),
    path("dossiers/<int:pk>/instruction/notes/", review.staff_note, name="staff_note"),
    path("dossiers/<int:pk>/decision/", committee.decision, name="decision"),
    path("gestion/<int:pk>/instruction/", staff_lists.staff_list, name="staff_list"),
    path("gestion/<int:pk>/instruction/export.<str:export>", staff_lists.staff_list, name="staff_export"),
    path("gestion/vagues/<int:pk>/affectations/", review.wave_assignments, name="wave_assignments"),
    path("gestion/vagues/<int:pk>/comite/", committee.committee, name="committee"),
    path("gestion/vagues/<int:pk>/publier/", committee.publish, name="publish"),
    path("gestion/vagues/<int:pk>/statistiques/", staff_lists.wave_statistics, name="wave_statistics"),
]

# The call's public page and "Déposer un dossier" come last: their slug would shadow the fixed paths.
call_page_urls = [
    path("<slug:slug>/", public.detail, name="detail"),
    path("<slug:slug>/deposer/", applicant.apply, name="apply"),
]

urlpatterns = [
    path("", include(public_urls)),
    path("", include(applicant_urls)),
    path("", include(staff_urls)),
    path("", include(config_urls)),
    path("", include(review_urls)),
    path("", include(call_page_urls)),
]
