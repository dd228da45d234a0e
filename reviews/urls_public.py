"""Public list of laureates, under /laureats/."""

from django.urls import path  # noqa: F401

app_name = "laureates"
urlpatterns: list = []
