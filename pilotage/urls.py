"""Administrators' steering pages, under /pilotage/."""

from django.urls import path

from pilotage import views

app_name = "pilotage"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<slug:table>.csv", views.dashboard_csv, name="dashboard_csv"),
    path("vagues/", views.wave_list, name="waves"),
    path("vagues/nouvelle/", views.wave_create, name="wave_create"),
    path("vagues/<int:pk>/", views.wave_edit, name="wave_edit"),
    path("vagues/<int:pk>/ouvrir/", views.wave_open_now, name="wave_open_now"),
    path("vagues/<int:pk>/prolonger/", views.wave_extend, name="wave_extend"),
    path("vagues/<int:pk>/clore/", views.wave_close, name="wave_close"),
    path("utilisateurs/", views.user_list, name="users"),
    path("utilisateurs/inviter/", views.user_invite, name="user_invite"),
    path("utilisateurs/<int:pk>/roles/", views.user_roles, name="user_roles"),
    path("utilisateurs/<int:pk>/activation/", views.user_set_active, name="user_set_active"),
    path("pages/", views.page_list, name="pages"),
    path("pages/<slug:slug>/", views.page_edit, name="page_edit"),
]
