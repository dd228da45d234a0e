"""Account pages of every user beyond allauth's, under /compte/profil/."""

from django.urls import path

from accounts import views as account_views

app_name = "profile"
urlpatterns = [
    path("", account_views.profile, name="index"),
    path("agenda/renouveler/", account_views.regenerate_calendar_token, name="calendar_regenerate"),
    path("agenda/<str:token>.ics", account_views.calendar_feed_view, name="calendar_feed"),
    path("donnees.json", account_views.export_data, name="export"),
    path("supprimer/", account_views.delete_account, name="delete"),
    path("invitation/<str:token>/", account_views.accept_invitation, name="invitation"),
]
