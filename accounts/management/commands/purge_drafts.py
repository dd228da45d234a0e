"""Delete letters of intent left in draft longer than the retention period."""

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.services import drafts_purge


class Command(BaseCommand):
    help = "Supprime les lettres d'intention en brouillon non modifiées depuis plus de N jours (DRAFT_RETENTION_DAYS)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="durée de conservation (jours)")
        parser.add_argument("--dry-run", action="store_true", help="compter sans supprimer")

    def handle(self, *args, days=None, dry_run=False, **options):
        days = settings.DRAFT_RETENTION_DAYS if days is None else days
        if days < 1:
            self.stderr.write("--days doit être au moins 1.")
            raise SystemExit(2)
        count = drafts_purge(days=days, dry_run=dry_run)
        verb = "would be deleted" if dry_run else "deleted"
        self.stdout.write(f"{count} draft(s) {verb} (untouched for more than {days} days).")
