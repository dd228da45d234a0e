"""The five actions of the call and their components, from the press release of 16/12/2021."""

from django.db import migrations

ACTIONS = [
    {
        "number": 1,
        "short_title_fr": "Formation initiale des professionnels de santé",
        "short_title_en": "Initial training of health professionals",
        "title_fr": "Développer l'offre de formation initiale en santé numérique pour les professionnels de santé et médico-sociaux",
        "title_en": "Develop initial training in digital health for health and medico-social professionals",
        "description_fr": "Intégrer en formation initiale des professions de santé (médecins, pharmaciens, infirmiers, etc.) des modules de formation au numérique en santé sur la base d'un référentiel de compétences établi par des experts et autorités compétentes. Ces modules devront pouvoir être proposés en formation continue également.",
        "description_en": "Integrate digital-health training modules into the initial training of health professions (doctors, pharmacists, nurses, etc.), based on a competency framework set by experts and the competent authorities. These modules must also be offered as continuing education.",
        "target_fr": "",
        "target_en": "",
        "components": [],
    },
    {
        "number": 2,
        "short_title_fr": "Directeurs de structures sanitaires et médico-sociales",
        "short_title_en": "Directors of health and social care structures",
        "title_fr": "Accroître la proportion de directeurs de structures sanitaires et médico-sociales possédant une culture en santé numérique",
        "title_en": "Increase the proportion of directors of health and social care structures with a digital-health culture",
        "description_fr": "Renforcer l'offre de formation en santé numérique pour les directions de structures aussi bien dans le champ de la formation initiale que de la formation continue. Une attention particulière sera portée à la formation des agents devant exercer les fonctions de DSI.",
        "description_en": "Strengthen digital-health training for the management of health and social care structures, in both initial and continuing education. Particular attention is paid to training staff who will act as chief information officers (CIO/DSI).",
        "target_fr": "Un master spécialisé et cinq modules complémentaires de formation des directeurs.",
        "target_en": "A specialised master's degree and five additional director-training modules.",
        "components": [],
    },
    {
        "number": 3,
        "short_title_fr": "Spécialistes du numérique ayant une culture en santé",
        "short_title_en": "IT specialists with a health culture",
        "title_fr": "Accroître la proportion de spécialistes en numérique possédant une culture en santé",
        "title_en": "Increase the proportion of digital specialists with a health culture",
        "description_fr": "Développer la culture en santé numérique chez les spécialistes en informatique pour accroître leur insertion professionnelle dans le secteur de la santé. L'action comporte deux volets complémentaires.",
        "description_en": "Develop a digital-health culture among IT specialists so that more of them work in the health sector. The action has two complementary components.",
        "target_fr": "Former de 200 à 400 étudiants en informatique par an, dans 10 projets.",
        "target_en": "Train 200 to 400 computer-science students a year, in 10 projects.",
        "components": [
            {
                "code": "3a",
                "title_fr": "Parcours à double culture informatique / santé",
                "title_en": "Dual-culture IT / health courses",
                "description_fr": "Création de parcours de santé numérique au sein de masters, de mastères spécialisés ou de spécialités d'ingénieur en santé numérique.",
                "description_en": "Digital-health tracks within master's degrees, specialised masters ('mastères spécialisés') or engineering specialities in digital health.",
            },
            {
                "code": "3b",
                "title_fr": "Modules de sensibilisation à la santé numérique",
                "title_en": "Digital-health awareness modules",
                "description_fr": "Modules de sensibilisation aux problématiques de santé numérique pouvant être insérés dans des formations de master ou d'ingénieur et ouverts à la formation continue.",
                "description_en": "Awareness modules on digital-health issues, inserted into master's or engineering curricula and open to continuing education.",
            },
        ],
    },
    {
        "number": 4,
        "short_title_fr": "Juristes ayant une culture en santé numérique",
        "short_title_en": "Lawyers with a digital-health culture",
        "title_fr": "Accroître la proportion de juristes possédant une culture en santé numérique",
        "title_en": "Increase the proportion of lawyers with a digital-health culture",
        "description_fr": "Proposer aux universités ayant un secteur droit et un secteur numérique de mettre en place des parcours de masters dédiés au « droit numérique en santé ».",
        "description_en": "Universities with both a law and a digital sector set up master's tracks in digital-health law ('droit numérique en santé').",
        "target_fr": "",
        "target_en": "",
        "components": [],
    },
    {
        "number": 5,
        "short_title_fr": "Affaires réglementaires et évaluation de conformité",
        "short_title_en": "Regulatory affairs and conformity assessment",
        "title_fr": "Accroître la proportion de profils en charge des affaires réglementaires et de l'évaluation de conformité en santé numérique",
        "title_en": "Increase the proportion of profiles in charge of regulatory affairs and conformity assessment in digital health",
        "description_fr": "Deux volets à destination des universités proposant des masters « sciences du médicament et des métiers de santé ».",
        "description_en": "Two components for universities offering master's degrees in pharmaceutical sciences and health professions ('sciences du médicament').",
        "target_fr": "Trois nouveaux parcours dédiés aux dispositifs médicaux et deux modules de sensibilisation numérisés.",
        "target_en": "Three new courses on medical devices and two digital awareness modules.",
        "components": [
            {
                "code": "5a",
                "title_fr": "Trois nouveaux parcours dédiés aux dispositifs médicaux",
                "title_en": "Three new courses on medical devices",
                "description_fr": "",
                "description_en": "",
            },
            {
                "code": "5b",
                "title_fr": "Deux modules de sensibilisation numérisés",
                "title_en": "Two digital awareness modules",
                "description_fr": "L'un portant sur les dispositifs médicaux en général, l'autre sur les aspects réglementaires associés.",
                "description_en": "One on medical devices in general, the other on the related regulations.",
            },
        ],
    },
]


def load(apps, schema_editor):
    Action = apps.get_model("actions", "Action")
    Component = apps.get_model("actions", "ActionComponent")
    for data in ACTIONS:
        data = dict(data)
        components = data.pop("components")
        action, _ = Action.objects.update_or_create(number=data["number"], defaults={**data, "order": data["number"]})
        for order, component in enumerate(components, start=1):
            Component.objects.update_or_create(
                code=component["code"], defaults={**component, "action": action, "order": order}
            )


class Migration(migrations.Migration):
    dependencies = [("actions", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
