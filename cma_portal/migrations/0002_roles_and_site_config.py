"""Role groups and the DSFR site configuration (operator name, title), editable in the admin."""

from django.db import migrations

ROLES = ("applicant", "programme_manager", "reviewer", "administrator")


def load(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    DsfrConfig = apps.get_model("dsfr", "DsfrConfig")
    DsfrConfig.objects.update_or_create(
        language="fr",
        defaults={
            "site_title": "Portail CMA — Santé numérique",
            "site_tagline": "Appel à manifestation d'intérêt « Compétences et métiers d'avenir » — France 2030",
            "header_brand": "République française",
            "header_brand_html": "République<br>française",
            "footer_brand": "République française",
            "footer_brand_html": "République<br>française",
            "footer_description": "Opéré par l'Agence nationale de la recherche et la Banque des Territoires.",
            "accessibility_status": "PART",
        },
    )
    DsfrConfig.objects.update_or_create(
        language="en",
        defaults={
            "site_title": "CMA portal — Digital health",
            "site_tagline": "\"Skills and Professions of the Future\" call — France 2030",
            "header_brand": "République française",
            "header_brand_html": "République<br>française",
            "footer_brand": "République française",
            "footer_brand_html": "République<br>française",
            "footer_description": "Operated by the French National Research Agency and Banque des Territoires.",
            "accessibility_status": "PART",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("cma_portal", "0001_initial"), ("dsfr", "0012_dsfrconfig_notice_description_and_more")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
