"""Public list of laureates, under /laureats/ (and the decision letter for the applicant)."""

from django.urls import path

from reviews.views import reviewer as views

app_name = "laureates"
urlpatterns = [
    path("", views.laureates, name="list"),
    path("lettres/<int:pk>.pdf", views.letter, name="letter"),
]
