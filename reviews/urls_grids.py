"""Scoring grids for administrators, under /pilotage/grilles/."""

from django.urls import path  # noqa: F401

app_name = "grids"
urlpatterns: list = []
