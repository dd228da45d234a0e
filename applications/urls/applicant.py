from django.urls import include, path

from applications.views import applicant as views
from applications.views import people, resubmission
from applications.views import waves as views_wave

app_name = "applications"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("organisations/nouvelle/", people.organisation_new, name="organisation_new"),
    path("organisations/<int:pk>/", people.organisation_detail, name="organisation"),
    path("organisations/<int:pk>/modifier/", people.organisation_edit, name="organisation_edit"),
    path("invitations/<str:token>/", people.invitation, name="invitation"),
    path("nouvelle/", views.letter_new, name="letter_new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/lettre/", views.letter_edit, name="letter_edit"),
    path("<int:pk>/historique/", views.history, name="history"),
    path("<int:pk>/changer-de-vague/", views_wave.letter_move, name="letter_move"),
    path("<int:pk>/depots/<int:submission_id>/", views.receipt, name="receipt"),
    path("<int:pk>/depots/<int:submission_id>/", include("applications.urls.pdf")),
    path("<int:pk>/documents/<int:doc_id>/", views.document_download, name="document"),
    path("<int:pk>/coediteurs/", people.collaborators, name="collaborators"),
    path(
        "<int:pk>/coediteurs/<int:collaborator_id>/retirer/",
        people.collaborator_delete,
        name="collaborator_delete",
    ),
    path("<int:pk>/retirer/", views.withdraw, name="withdraw"),
    path("<int:pk>/redeposer/", resubmission.resubmit, name="resubmit"),
    path("<int:pk>/dossier/", include("applications.urls.dossier")),
    path("<int:pk>/messages/", include("applications.urls.messages")),
]
