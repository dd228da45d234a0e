"""The applicant side of an application's message thread. Included by `applications/urls.py`
as `path("<int:pk>/messages/", include("applications.urls.messages"))`, so its names live in
the `applications` namespace."""

from django.urls import path

from applications.views import messages as message_views

urlpatterns = [
    path("", message_views.thread, name="messages"),
    path("pieces-jointes/<int:document_pk>/", message_views.attachment, name="message_attachment"),
]
