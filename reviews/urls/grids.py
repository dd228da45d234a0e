"""Scoring grids for administrators, under /pilotage/grilles/."""

from django.urls import path

from reviews.views import grids as views

app_name = "grids"
urlpatterns = [
    path("", views.grids, name="list"),
    path("nouvelle/", views.grid_create, name="create"),
    path("<int:pk>/", views.grid_detail, name="detail"),
]
