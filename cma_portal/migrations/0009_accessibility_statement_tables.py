"""Accessibility statement: wide tables no longer scroll sideways on small screens (issue 13,
point 4: below 768 px each row is a card whose cells carry their column's label). What still
scrolls in its box: the steering charts and the dossier's entry tables (budget, partners,
milestones, training), which are forms.

Idempotent: each sentence is replaced only while the page still holds the wording seeded by 0007,
so an administrator's own text is never touched and a second run changes nothing."""

from django.db import migrations

REPLACEMENTS = (
    (
        "body_fr",
        "- Sur petit écran, les tableaux larges et les graphiques du pilotage défilent horizontalement"
        " dans leur cadre ;",
        "- Sur petit écran, les graphiques du pilotage et les tableaux de saisie du dossier (budget,"
        " partenaires, jalons, formation) défilent horizontalement dans leur cadre ;",
    ),
    (
        "body_fr",
        "aucune page ne défile horizontalement à 320 pixels de large ;",
        "aucune page ne défile horizontalement à 320 pixels de large, et les tableaux de listes s'y"
        " lisent ligne par ligne, chaque valeur précédée du titre de sa colonne ;",
    ),
    (
        "body_en",
        "- On small screens, wide tables and the steering charts scroll horizontally inside their box;",
        "- On small screens, the steering charts and the dossier's entry tables (budget, partners,"
        " milestones, training) scroll horizontally inside their box;",
    ),
    (
        "body_en",
        "no page scrolls horizontally at 320 pixels wide;",
        "no page scrolls horizontally at 320 pixels wide, and list tables read there row by row, each"
        " value preceded by its column's heading;",
    ),
)


def update_statement(apps, schema_editor):
    SitePage = apps.get_model("cma_portal", "SitePage")
    page = SitePage.objects.filter(slug="accessibilite").first()
    if page is None:
        return
    changed = set()
    for field, old, new in REPLACEMENTS:
        text = getattr(page, field)
        if old in text and new not in text:
            setattr(page, field, text.replace(old, new))
            changed.add(field)
    if changed:
        page.save(update_fields=sorted(changed))


class Migration(migrations.Migration):
    dependencies = [("cma_portal", "0008_email_template_override")]

    operations = [migrations.RunPython(update_statement, migrations.RunPython.noop)]
