"""The laureate's grant pages, under /candidatures/<pk>/convention/."""

from django.urls import path

from grants.views import applicant as views

app_name = "grants"
urlpatterns = [
    path("", views.agreement, name="agreement"),
    path("convention.pdf", views.agreement_pdf, name="pdf"),
    path("signee/", views.upload_signed, name="upload_signed"),
    path("signee.pdf", views.signed_file, name="signed_file"),
    path("rapports/<int:report_id>/", views.report, name="report"),
    path("rapports/<int:report_id>/deposer/", views.report_submit, name="report_submit"),
    path("rapports/<int:report_id>/pieces/", views.report_document, name="report_document"),
    path(
        "rapports/<int:report_id>/pieces/<int:document_id>/",
        views.report_document_file,
        name="report_document_file",
    ),
]
