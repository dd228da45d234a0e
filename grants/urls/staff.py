"""Programme managers' grant pages, under /instruction/conventions/."""

from django.urls import path

from grants.views import staff as views

app_name = "grants_staff"
urlpatterns = [
    path("", views.agreements, name="agreements"),
    path("rapports-en-retard/", views.overdue, name="overdue"),
    path("<int:pk>/", views.agreement, name="agreement"),
    path("<int:pk>/preparer/", views.prepare, name="prepare"),
    path("<int:pk>/echeancier/", views.schedule, name="schedule"),
    path("<int:pk>/envoyer/", views.send, name="send"),
    path("<int:pk>/contresigner/", views.countersign, name="countersign"),
    path("<int:pk>/demarrer/", views.start, name="start"),
    path("<int:pk>/cloturer/", views.close, name="close"),
    path("<int:pk>/resilier/", views.terminate, name="terminate"),
    path("<int:pk>/rapports/<int:report_id>/", views.report, name="report"),
    path("<int:pk>/rapports/<int:report_id>/accepter/", views.report_accept, name="report_accept"),
    path("<int:pk>/rapports/<int:report_id>/correction/", views.report_correction, name="report_correction"),
    path("<int:pk>/versements/<int:instalment_id>/payer/", views.instalment_paid, name="instalment_paid"),
]
