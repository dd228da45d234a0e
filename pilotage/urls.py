"""Administrators' steering pages, under /pilotage/."""

from django.urls import path

from pilotage.views import dashboard, emails, pages, questions, users, waves

app_name = "pilotage"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("export/<slug:table>.csv", dashboard.dashboard_csv, name="dashboard_csv"),
    path("vagues/", waves.wave_list, name="waves"),
    path("vagues/nouvelle/", waves.wave_create, name="wave_create"),
    path("vagues/<int:pk>/", waves.wave_edit, name="wave_edit"),
    path("vagues/<int:pk>/ouvrir/", waves.wave_open_now, name="wave_open_now"),
    path("vagues/<int:pk>/prolonger/", waves.wave_extend, name="wave_extend"),
    path("vagues/<int:pk>/clore/", waves.wave_close, name="wave_close"),
    path("utilisateurs/", users.user_list, name="users"),
    path("utilisateurs/inviter/", users.user_invite, name="user_invite"),
    path("utilisateurs/<int:pk>/roles/", users.user_roles, name="user_roles"),
    path("utilisateurs/<int:pk>/activation/", users.user_set_active, name="user_set_active"),
    path("questions/", questions.question_list, name="questions"),
    path("questions/nouvelle/", questions.question_create, name="question_create"),
    path("questions/<int:pk>/", questions.question_edit, name="question_edit"),
    path("questions/<int:pk>/activation/", questions.question_set_active, name="question_set_active"),
    path("pages/", pages.page_list, name="pages"),
    path("pages/<slug:slug>/", pages.page_edit, name="page_edit"),
    path("courriels/", emails.email_template_list, name="email_templates"),
    path("courriels/<slug:template_name>/", emails.email_template_edit, name="email_template_edit"),
    path(
        "courriels/<slug:template_name>/<slug:language>/reinitialiser/",
        emails.email_template_reset,
        name="email_template_reset",
    ),
]
