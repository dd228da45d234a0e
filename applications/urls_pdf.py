"""PDF and ZIP of one submission. Included by `applications/urls.py` under
`<int:pk>/depots/<int:submission_id>/` (names in the `applications` namespace). The plain
`pdf/` path is the letter pages' own `submission_pdf` view; this one adds the pending page."""

from django.urls import path

from . import pdf_views

urlpatterns = [
    path("pdf/telecharger/", pdf_views.submission_pdf, name="submission_pdf_download"),
    path("pdf/etat/", pdf_views.submission_pdf_status, name="submission_pdf_status"),
    path("zip/", pdf_views.submission_zip, name="submission_zip"),
]
