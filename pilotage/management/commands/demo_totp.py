"""Print the current TOTP code of the demo staff accounts (development only)."""

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pilotage.management.commands.seed_demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Affiche le code TOTP du moment pour les comptes du personnel de démonstration (DEBUG seulement)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Réservé au développement (DEBUG=true) : en production, chacun a son propre secret."
            )
        now = timezone.now()
        period = mfa_settings.TOTP_PERIOD
        counter = int(now.timestamp()) // period
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))
        remaining = period - int(now.timestamp()) % period
        self.stdout.write(f"{code}  (valable encore {remaining} s)")
