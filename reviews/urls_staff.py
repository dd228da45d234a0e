"""Assignment, ranking and decisions for programme managers, under /instruction/selection/."""

from django.urls import path  # noqa: F401

app_name = "selection"
urlpatterns: list = []
