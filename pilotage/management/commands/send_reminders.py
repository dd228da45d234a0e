from django.core.management.base import BaseCommand

from applications.services.reminders import reminders_sweep
from cma_portal.management.instant import parse_instant
from grants.services.reminders import report_reminders_sweep
from reviews.services.reminders import review_reminders_sweep


class Command(BaseCommand):
    help = "Run one reminder sweep (what beat runs every 15 minutes) and print what it sent by kind."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="ISO-8601 instant to sweep at (default: now; naive = Europe/Paris)")
        parser.add_argument("--batch-size", type=int, default=None)

    def handle(self, *args, now=None, batch_size=None, **options):
        instant = parse_instant(now)
        kwargs = {"batch_size": batch_size} if batch_size else {}
        counts = reminders_sweep(now=instant, **kwargs)
        counts.update(review_reminders_sweep(now=instant, **kwargs))
        counts.update(report_reminders_sweep(now=instant, **kwargs))
        self.stdout.write(f"reminder sweep at {instant.isoformat()}: {sum(counts.values())} sent")
        for kind, count in sorted(counts.items()):
            self.stdout.write(f"  {kind}: {count}")
