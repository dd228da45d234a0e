"""Account pages of every user beyond allauth's, under /compte/profil/."""

from django.urls import path  # noqa: F401

app_name = "profile"
urlpatterns: list = []
