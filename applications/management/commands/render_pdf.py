import shutil

from django.core.management.base import BaseCommand, CommandError

from applications.models import Submission
from applications.pdf import submission_render_pdf


class Command(BaseCommand):
    help = "Render again the PDF of the latest submission of an application (receipt or dossier)."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="e.g. CMA-SN-2026-0042")
        parser.add_argument("--output", help="also copy the PDF to this file")

    def handle(self, *args, reference, output=None, **options):
        submission = (
            Submission.objects.filter(application__reference=reference)
            .order_by("-submitted_at", "-id")
            .first()
        )
        if submission is None:
            raise CommandError(f"no submission for reference {reference!r}")
        submission = submission_render_pdf(submission_id=submission.pk, force=True)
        if output:
            with submission.pdf.open("rb") as source, open(output, "wb") as target:
                shutil.copyfileobj(source, target)
        # The stored name, not a path: on an object store there is no local path.
        self.stdout.write(
            f"{reference}: {submission.get_kind_display()} rendered to {output or submission.pdf.name} "
            f"(SHA-256 {submission.pdf_sha256})"
        )
