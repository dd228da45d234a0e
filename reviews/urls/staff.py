"""Assignment, ranking and decisions for programme managers, under /instruction/selection/."""

from django.urls import path

from reviews.views import staff as views

app_name = "selection"
urlpatterns = [
    path("", views.dossiers, name="dossiers"),
    path("dossiers/<int:pk>/", views.dossier, name="dossier"),
    path("dossiers/<int:pk>/affecter/", views.assign, name="assign"),
    path("dossiers/<int:pk>/decision/", views.decide, name="decide"),
    path("affectations/<int:pk>/retirer/", views.withdraw, name="withdraw"),
    path("affectation-automatique/", views.auto_assign, name="auto_assign"),
    path("classement/", views.ranking, name="ranking"),
    path("classement/decisions/", views.decide_bulk, name="decide_bulk"),
    path("classement/publier/", views.publish, name="publish"),
    path("export/<str:what>.<str:fmt>", views.export, name="export"),
]
