"""Waves that opened before announcements existed count as announced: the beat entry must not
email every applicant about waves of 2022."""

from django.db import migrations
from django.db.models import F
from django.utils import timezone


def mark(apps, schema_editor):
    Wave = apps.get_model("waves", "Wave")
    Wave.objects.filter(opens_at__lte=timezone.now(), announced_at__isnull=True).update(
        announced_at=F("opens_at")
    )


class Migration(migrations.Migration):
    dependencies = [("waves", "0003_wave_announced_at_wave_closed_early_at")]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
