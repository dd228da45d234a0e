"""The call and its waves, from the published texts.

The texts give the wave dates ("levées"); the hour is not published: we close each scheduled
wave at 12:00 Paris time, the usual hour of ANR calls, and open the next at the same instant.
The rolling procedure opens on 20/06/2023 and has no closing instant of its own.
"""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import migrations

PARIS = ZoneInfo("Europe/Paris")


def at(y, m, d, h=12, mi=0, s=0):
    return datetime(y, m, d, h, mi, s, tzinfo=PARIS)


WAVES = [
    ("Vague 1", "Wave 1", at(2021, 12, 16, 0), at(2022, 2, 24)),
    ("Vague 2", "Wave 2", at(2022, 2, 24), at(2022, 7, 5)),
    ("Vague 3", "Wave 3", at(2022, 7, 5), at(2022, 10, 31)),
    ("Vague 4", "Wave 4", at(2022, 10, 31), at(2023, 3, 30)),
    ("Vague 5", "Wave 5", at(2023, 3, 30), at(2023, 6, 20)),
]


def load(apps, schema_editor):
    Call = apps.get_model("waves", "Call")
    Wave = apps.get_model("waves", "Wave")
    Action = apps.get_model("actions", "Action")
    call, _ = Call.objects.update_or_create(
        code="cma-sante-numerique",
        defaults={
            "name_fr": "AMI « Compétences et métiers d'avenir » — volet santé numérique",
            "name_en": "\"Skills and Professions of the Future\" call — digital-health strand",
            "opens_at": at(2021, 12, 16, 0),
            "planned_end": at(2025, 12, 31, 23, 59, 59),
            "closes_at": None,
            "budget_envelope": Decimal("700000000"),
            "letter_page_limit": 2,
            "dossier_page_limit": 15,
            "dossier_delay_months": 3,
            "max_aid_rate": Decimal("70"),
            "max_duration_months": 60,
            "national_target_people_trained": 112_000,
            "target_year": 2030,
        },
    )
    actions = list(Action.objects.all())
    for name_fr, name_en, opens_at, closes_at in WAVES:
        wave, _ = Wave.objects.update_or_create(
            call=call,
            name_fr=name_fr,
            defaults={"name_en": name_en, "mode": "scheduled", "opens_at": opens_at, "closes_at": closes_at},
        )
        wave.actions.set(actions)
    rolling, _ = Wave.objects.update_or_create(
        call=call,
        name_fr="Procédure au fil de l'eau (saison 2)",
        defaults={
            "name_en": "Rolling procedure (season 2)",
            "mode": "rolling",
            "opens_at": at(2023, 6, 20),
            "closes_at": None,
        },
    )
    rolling.actions.set(actions)


class Migration(migrations.Migration):
    dependencies = [("waves", "0001_initial"), ("actions", "0002_load_actions")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
