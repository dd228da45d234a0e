"""`manage.py scan_documents`: scan every stored document still pending (stored while the
scanner was off, or before it existed) and record clean / infected. Prints the counts."""

from django.core.management.base import BaseCommand, CommandError

from applications.models import Document
from applications.scanning import document_scan
from cma_portal import uploads
from cma_portal.uploads.clamav import ScannerUnavailable


class Command(BaseCommand):
    help = "Scan pending documents with ClamAV (CLAMAV_SOCKET) and record the verdict."

    def handle(self, *args, **options):
        if not uploads.scanner_enabled():
            raise CommandError("CLAMAV_SOCKET is not set: no scanner to ask.")
        counts = {uploads.ScanStatus.CLEAN: 0, uploads.ScanStatus.INFECTED: 0, "missing": 0}
        pending = Document.objects.filter(scan_status=uploads.ScanStatus.PENDING).select_related(
            "application"
        )
        for document in pending.iterator():
            try:
                counts[document_scan(document=document)] += 1
            except FileNotFoundError:
                counts["missing"] += 1
            except ScannerUnavailable as error:
                raise CommandError(f"scanner unavailable: {error}") from error
        self.stdout.write(
            f"clean={counts['clean']} infected={counts['infected']} missing={counts['missing']}"
        )
