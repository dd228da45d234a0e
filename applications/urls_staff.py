"""Programme managers' screening pages, under /instruction/."""

from django.urls import path  # noqa: F401

app_name = "instruction"
urlpatterns: list = []
