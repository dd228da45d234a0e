from django.core.management.base import BaseCommand

from applications.services.expiry import dossiers_expire
from cma_portal.management.instant import parse_instant


class Command(BaseCommand):
    help = "Expire the dossiers whose deadline has passed (what beat runs every 5 minutes)."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="ISO-8601 instant (default: now; naive = Europe/Paris)")

    def handle(self, *args, now=None, **options):
        instant = parse_instant(now)
        count = dossiers_expire(now=instant)
        self.stdout.write(f"expired at {instant.isoformat()}: {count}")
