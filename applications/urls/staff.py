"""Programme managers' screening pages, under /instruction/."""

from django.urls import path

from applications.views import bulk_messages
from applications.views import staff as staff_views

app_name = "instruction"
urlpatterns = [
    path("", staff_views.letters, name="letters"),
    path("export.csv", staff_views.letters_export, name="letters_export"),
    path("messages-groupes/", bulk_messages.bulk_message, name="bulk_message"),
    path("candidatures/<int:pk>/", staff_views.detail, name="detail"),
    path("candidatures/<int:pk>/correction/", staff_views.request_correction, name="request_correction"),
    path("candidatures/<int:pk>/go/", staff_views.go, name="go"),
    path("candidatures/<int:pk>/no-go/", staff_views.no_go, name="no_go"),
    path("candidatures/<int:pk>/prolongation/", staff_views.extend_deadline, name="extend_deadline"),
    path("candidatures/<int:pk>/note/", staff_views.add_note, name="add_note"),
    path("candidatures/<int:pk>/messages/", staff_views.post_message, name="post_message"),
    path(
        "candidatures/<int:pk>/documents/<int:document_pk>/",
        staff_views.document,
        name="document",
    ),
]
