"""Open data of the signed agreements (SCDL "subventions"), under /donnees/."""

from django.urls import path

from grants.views import opendata as views

app_name = "opendata"
urlpatterns = [
    path("subventions.csv", views.subventions_csv, name="subventions_csv"),
    path("subventions.json", views.subventions_json, name="subventions_json"),
]
