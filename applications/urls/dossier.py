"""The full dossier, under /candidatures/<pk>/dossier/ (included by `applications.urls.applicant`, so the
names live in the `applications` namespace)."""

from django.urls import path

from applications.views import dossier as views
from applications.views import dossier_submission

urlpatterns = [
    path("", views.dossier, name="dossier"),
    path("presentation/", views.save_presentation, name="dossier_presentation"),
    path("annexe-financiere/", views.save_annex, name="dossier_annex"),
    path("partenaires/", views.save_partners, name="dossier_partners"),
    path("budget/", views.save_budget, name="dossier_budget"),
    path("formation/", views.save_training, name="dossier_training"),
    path("jalons/", views.save_milestones, name="dossier_milestones"),
    path("questions/", views.save_questions, name="dossier_questions"),
    path("documents/", views.add_document, name="dossier_documents"),
    path("documents/<int:document_pk>/", views.download_document, name="dossier_document"),
    path("documents/<int:document_pk>/retirer/", views.remove_document, name="dossier_document_remove"),
    path("deposer/", dossier_submission.submit, name="dossier_submit"),
]
