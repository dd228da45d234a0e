"""Administrators' steering pages, under /pilotage/."""

from django.urls import path  # noqa: F401

app_name = "pilotage"
urlpatterns: list = []
