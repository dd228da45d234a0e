"""PDF and ZIP of one submission. Included by `applications/urls.py` under
`<int:pk>/depots/<int:submission_id>/` (names in the `applications` namespace), after the
receipt page itself."""

from django.urls import path

from applications.views import pdf as pdf_views

urlpatterns = [
    path("pdf/", pdf_views.submission_pdf, name="submission_pdf"),
    path("pdf/etat/", pdf_views.submission_pdf_status, name="submission_pdf_status"),
    path("zip/", pdf_views.submission_zip, name="submission_zip"),
]
