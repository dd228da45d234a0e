"""Reviewers' pages, under /evaluation/."""

from django.urls import path

from reviews.views import consensus
from reviews.views import reviewer as views

app_name = "evaluation"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("affectations/<int:pk>/", views.assignment, name="assignment"),
    path("affectations/<int:pk>/declaration/", views.declare, name="declare"),
    path("affectations/<int:pk>/grille/", views.review, name="review"),
    path("affectations/<int:pk>/consensus/", consensus.consensus_write, name="consensus"),
    path("affectations/<int:pk>/documents/<int:document_pk>/", views.document, name="document"),
]
