"""Public list of laureates, under /laureats/ (and the decision letter and evaluation summary for the applicant)."""

from django.urls import path

from reviews.views import consensus
from reviews.views import reviewer as views

app_name = "laureates"
urlpatterns = [
    path("", views.laureates, name="list"),
    path("lettres/<int:pk>.pdf", views.letter, name="letter"),
    path("syntheses/<int:pk>.pdf", consensus.summary_pdf, name="summary_pdf"),
]
