"""Assignment, ranking and decisions for programme managers, under /instruction/selection/."""

from django.urls import path

from reviews.views import consensus
from reviews.views import staff as views

app_name = "selection"
urlpatterns = [
    path("", views.dossiers, name="dossiers"),
    path("dossiers/<int:pk>/", views.dossier, name="dossier"),
    path("dossiers/<int:pk>/affecter/", views.assign, name="assign"),
    path("dossiers/<int:pk>/decision/", views.decide, name="decide"),
    path("dossiers/<int:pk>/consensus/", consensus.consensus_review, name="consensus"),
    path("dossiers/<int:pk>/consensus/rapporteur/", consensus.rapporteur, name="rapporteur"),
    path("dossiers/<int:pk>/consensus/valider/", consensus.validate, name="consensus_validate"),
    path("dossiers/<int:pk>/consensus/renvoyer/", consensus.send_back, name="consensus_send_back"),
    path("dossiers/<int:pk>/synthese/", consensus.summary, name="summary"),
    path("affectations/<int:pk>/retirer/", views.withdraw, name="withdraw"),
    path("affectation-automatique/", views.auto_assign, name="auto_assign"),
    path("classement/", views.ranking, name="ranking"),
    path("classement/decisions/", views.decide_bulk, name="decide_bulk"),
    path("classement/publier/", views.publish, name="publish"),
    path("export/<str:what>.<str:fmt>", views.export, name="export"),
]
