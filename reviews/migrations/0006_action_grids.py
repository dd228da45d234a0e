"""One scoring grid per action, its criteria derived from the action's published priorities
(press release of 16/12/2021, call-texts/) beside the criteria every dossier is scored on.

Idempotent and respectful of administrators: an action that already has a grid (any version) is
left alone; a seeded grid's criteria are written with update_or_create on (grid, order), so a
re-run changes nothing. Editable afterwards in /pilotage/grilles/ (a new version once used)."""

from decimal import Decimal

from django.db import migrations

# (French label, French guidance, English label, English guidance, weight)
COMMON = [
    (
        "Qualité et engagement du consortium",
        "Complémentarité des partenaires, gouvernance, engagements écrits des établissements de santé et des acteurs du numérique.",
        "Quality and commitment of the consortium",
        "Complementary partners, governance, written commitments of health institutions and digital actors.",
        Decimal("1.5"),
    ),
    (
        "Impact : nombre de personnes formées",
        "Volumes réalistes et chiffrés par public et par année, au regard de l'objectif national.",
        "Impact: number of people trained",
        "Realistic figures per audience and per year, measured against the national target.",
        Decimal("1.5"),
    ),
    (
        "Pérennité et modèle économique",
        "Poursuite des formations au-delà du financement, ressources propres, intégration aux maquettes.",
        "Sustainability and business model",
        "Continuation of the courses beyond the funding, own resources, integration into the curricula.",
        Decimal("1"),
    ),
    (
        "Qualité du budget",
        "Coûts justifiés et proportionnés, cofinancements, respect du taux d'aide maximal.",
        "Quality of the budget",
        "Justified and proportionate costs, co-funding, compliance with the maximum aid rate.",
        Decimal("1"),
    ),
]

PRIORITIES = {
    1: (
        "Grille de l'action 1 — formation initiale des professionnels de santé",
        [
            (
                "Modules de santé numérique en formation initiale des professions de santé",
                "Intégration aux cursus des médecins, pharmaciens, infirmiers et autres professions de santé et médico-sociales ; volumes horaires et publics.",
                "Digital-health modules in the initial training of health professions",
                "Integration into the curricula of doctors, pharmacists, nurses and other health and medico-social professions; hours and audiences.",
                Decimal("2"),
            ),
            (
                "Appui sur un référentiel de compétences",
                "Référentiel établi par des experts et autorités compétentes ; compétences visées et leur évaluation.",
                "Based on a competency framework",
                "Framework set by experts and the competent authorities; targeted skills and how they are assessed.",
                Decimal("1.5"),
            ),
            (
                "Ouverture des modules à la formation continue",
                "Les modules peuvent aussi être suivis en formation continue ; modalités et publics.",
                "Modules open to continuing education",
                "The modules can also be taken as continuing education; arrangements and audiences.",
                Decimal("1"),
            ),
        ],
    ),
    2: (
        "Grille de l'action 2 — directeurs de structures sanitaires et médico-sociales",
        [
            (
                "Formation des directions de structures sanitaires et médico-sociales",
                "Offre renforcée en santé numérique pour les directions, en formation initiale comme continue.",
                "Training the management of health and medico-social structures",
                "Stronger digital-health training for managers, in both initial and continuing education.",
                Decimal("2"),
            ),
            (
                "Formation des futurs DSI",
                "Attention particulière portée aux agents appelés à exercer les fonctions de DSI.",
                "Training future CIOs",
                "Particular attention to staff who will act as chief information officers (DSI).",
                Decimal("1.5"),
            ),
            (
                "Contribution à l'objectif de l'action",
                "Un master spécialisé et cinq modules complémentaires de formation des directeurs.",
                "Contribution to the action's target",
                "A specialised master's degree and five additional director-training modules.",
                Decimal("1"),
            ),
        ],
    ),
    3: (
        "Grille de l'action 3 — spécialistes du numérique ayant une culture en santé",
        [
            (
                "Parcours à double culture informatique / santé (volet 3a)",
                "Parcours de santé numérique dans des masters, mastères spécialisés ou spécialités d'ingénieur.",
                "Dual-culture IT / health courses (component 3a)",
                "Digital-health tracks within master's degrees, specialised masters or engineering specialities.",
                Decimal("1.5"),
            ),
            (
                "Modules de sensibilisation à la santé numérique (volet 3b)",
                "Modules insérés dans les formations de master ou d'ingénieur et ouverts à la formation continue.",
                "Digital-health awareness modules (component 3b)",
                "Modules inserted into master's or engineering curricula and open to continuing education.",
                Decimal("1.5"),
            ),
            (
                "Insertion professionnelle dans le secteur de la santé",
                "Débouchés des spécialistes en informatique formés dans le secteur de la santé.",
                "Employment in the health sector",
                "Career prospects in the health sector for the IT specialists trained.",
                Decimal("1"),
            ),
            (
                "Contribution à l'objectif de l'action",
                "De 200 à 400 étudiants en informatique formés par an, dans 10 projets.",
                "Contribution to the action's target",
                "200 to 400 computer-science students trained a year, in 10 projects.",
                Decimal("1"),
            ),
        ],
    ),
    4: (
        "Grille de l'action 4 — juristes ayant une culture en santé numérique",
        [
            (
                "Parcours de master « droit numérique en santé »",
                "Contenus, maquette et débouchés des parcours de master dédiés.",
                "Master's tracks in digital-health law",
                "Content, curriculum and career prospects of the dedicated master's tracks.",
                Decimal("2"),
            ),
            (
                "Alliance d'un secteur droit et d'un secteur numérique",
                "L'université réunit un secteur droit et un secteur numérique engagés dans le parcours.",
                "A law sector and a digital sector working together",
                "The university brings together a law sector and a digital sector committed to the track.",
                Decimal("1.5"),
            ),
        ],
    ),
    5: (
        "Grille de l'action 5 — affaires réglementaires et évaluation de conformité",
        [
            (
                "Parcours dédiés aux dispositifs médicaux (volet 5a)",
                "Trois nouveaux parcours de master « sciences du médicament et des métiers de santé ».",
                "Courses on medical devices (component 5a)",
                "Three new courses in pharmaceutical sciences and health professions master's degrees.",
                Decimal("1.5"),
            ),
            (
                "Modules de sensibilisation numérisés (volet 5b)",
                "Deux modules : les dispositifs médicaux en général et les aspects réglementaires associés.",
                "Digital awareness modules (component 5b)",
                "Two modules: medical devices in general and the related regulations.",
                Decimal("1.5"),
            ),
        ],
    ),
}


def seed_action_grids(apps, schema_editor):
    Action = apps.get_model("actions", "Action")
    Grid = apps.get_model("reviews", "Grid")
    Criterion = apps.get_model("reviews", "Criterion")
    for number, (title, priorities) in PRIORITIES.items():
        action = Action.objects.filter(number=number).first()
        if action is None:
            continue
        grid = Grid.objects.filter(action=action).order_by("version").first()
        if grid is not None and Criterion.objects.filter(grid=grid).exists():
            continue  # seeded already, or an administrator's own grid: kept as it is
        if grid is None:
            grid = Grid.objects.create(action=action, version=1, title=title, is_current=True)
        for order, (label, guidance, label_en, guidance_en, weight) in enumerate(
            [*priorities, *COMMON], start=1
        ):
            Criterion.objects.update_or_create(
                grid=grid,
                order=order,
                defaults={
                    "label": label,
                    "guidance": guidance,
                    "label_en": label_en,
                    "guidance_en": guidance_en,
                    "weight": weight,
                    "scale_max": 5,
                },
            )


def remove_action_grids(apps, schema_editor):
    Grid = apps.get_model("reviews", "Grid")
    titles = [title for title, _priorities in PRIORITIES.values()]
    Grid.objects.filter(version=1, title__in=titles, reviews__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("reviews", "0005_consensus"), ("actions", "0002_load_actions")]

    operations = [migrations.RunPython(seed_action_grids, remove_action_grids)]
