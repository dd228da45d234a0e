"""Seed the default scoring grid with the usual criteria of such calls (0–5 scale, weighted)."""

from decimal import Decimal

from django.db import migrations

CRITERIA = [
    (
        "Qualité et pertinence du projet de formation",
        "Cohérence des contenus, des modalités pédagogiques et des débouchés ; articulation formation initiale et continue.",
        Decimal("2"),
    ),
    (
        "Adéquation aux besoins du secteur de la santé",
        "Réponse aux besoins en compétences du numérique en santé identifiés par les employeurs du secteur sanitaire et médico-social.",
        Decimal("1.5"),
    ),
    (
        "Innovation pédagogique",
        "Modalités nouvelles (hybridation, simulation, mises en situation, ressources ouvertes) et leur évaluation.",
        Decimal("1"),
    ),
    (
        "Qualité et engagement du consortium",
        "Complémentarité des partenaires, gouvernance, engagements écrits des établissements de santé et des acteurs du numérique.",
        Decimal("1.5"),
    ),
    (
        "Impact : nombre de personnes formées",
        "Volumes réalistes et chiffrés par public et par année, au regard de l'objectif national.",
        Decimal("1.5"),
    ),
    (
        "Pérennité et modèle économique",
        "Poursuite des formations au-delà du financement, ressources propres, intégration aux maquettes.",
        Decimal("1.5"),
    ),
    (
        "Qualité du budget",
        "Coûts justifiés et proportionnés, cofinancements, respect du taux d'aide maximal.",
        Decimal("1"),
    ),
]


def create_default_grid(apps, schema_editor):
    Grid = apps.get_model("reviews", "Grid")
    Criterion = apps.get_model("reviews", "Criterion")
    if Grid.objects.filter(action__isnull=True).exists():
        return
    grid = Grid.objects.create(action=None, version=1, title="Grille par défaut", is_current=True)
    for order, (label, guidance, weight) in enumerate(CRITERIA, start=1):
        Criterion.objects.create(
            grid=grid, order=order, label=label, guidance=guidance, weight=weight, scale_max=5
        )


def remove_default_grid(apps, schema_editor):
    Grid = apps.get_model("reviews", "Grid")
    Grid.objects.filter(action__isnull=True, version=1, reviews__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunPython(create_default_grid, remove_default_grid)]
