"""Yearly and final reports: filled by the laureate's editors (optimistic concurrency, as the
dossier), submitted by the owner, accepted or sent back for correction by staff."""

import hashlib
from datetime import datetime
from decimal import Decimal

from django.core.files.base import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.selectors.access import is_editor
from cma_portal.audit import audit_record
from grants.errors import GrantError, ReportConflict
from grants.models import Agreement, Instalment, Report, ReportDocument, ReportExpense, ReportTraining
from grants.services.payments import instalments_release
from grants.services.transitions import grant_transition
from grants.workflow import REPORT_TRANSITIONS


def _refusal(report: Report, actor) -> str | None:
    if report.agreement.state not in (Agreement.State.SIGNED, Agreement.State.RUNNING):
        return _("La convention n'est pas en cours : le rapport ne se modifie pas.")
    if report.state not in Report.EDITABLE:
        return _("Ce rapport est déposé : il ne se modifie plus.")
    if actor is None or not is_editor(actor, report.agreement.application):
        return _("Vous n'avez pas le droit d'effectuer cette action.")
    return None


@transaction.atomic
def report_save(
    *,
    report: Report,
    actor,
    version: int,
    training: dict[str, int],
    expenses: dict[str, Decimal],
    courses_opened: int,
    modules_opened: int,
    milestone_ids: list[int],
    narrative: str,
    at: datetime | None = None,
) -> Report:
    """Save the whole report. Claims `version` with `UPDATE … WHERE version = <version> AND
    state IN (draft, correction_requested)`: when a co-editor saved in between, nothing is
    written and `ReportConflict` tells the user (the form keeps what they typed).

    Side effects: AuditEvent "grant_report_saved" on the application."""
    at = at or timezone.now()
    refusal = _refusal(report, actor)
    if refusal:
        raise GrantError(refusal)
    claimed = Report.objects.filter(pk=report.pk, version=version, state__in=Report.EDITABLE).update(
        version=F("version") + 1, updated_at=at
    )
    if not claimed:
        raise ReportConflict(
            _(
                "Le rapport a été modifié par une autre personne depuis l'affichage de cette page. "
                "Rien n'a été enregistré : vos saisies sont conservées ci-dessous ; vérifiez-les "
                "puis enregistrez à nouveau."
            )
        )
    report.training.all().delete()
    ReportTraining.objects.bulk_create(
        [ReportTraining(report=report, audience=a, people_trained=n) for a, n in training.items()]
    )
    report.expenses.all().delete()
    ReportExpense.objects.bulk_create(
        [ReportExpense(report=report, category=c, amount=v) for c, v in expenses.items()]
    )
    Report.objects.filter(pk=report.pk).update(
        courses_opened=courses_opened, modules_opened=modules_opened, narrative=narrative
    )
    report.milestones_reached.set(report.agreement.application.milestones.filter(pk__in=milestone_ids))
    report.refresh_from_db()
    audit_record(
        actor=actor,
        verb="grant_report_saved",
        obj=report.agreement.application,
        data={"report_id": report.pk, "people_trained": sum(training.values())},
    )
    return report


@transaction.atomic
def report_document_add(*, report: Report, actor, uploaded_file, page_count: int | None) -> ReportDocument:
    """Attach a supporting document (validated by the form). Side effects: AuditEvent."""
    refusal = _refusal(report, actor)
    if refusal:
        raise GrantError(refusal)
    sha = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in iter(lambda: uploaded_file.read(65536), b""):
        sha.update(chunk)
    uploaded_file.seek(0)
    document = ReportDocument(
        report=report,
        original_name=(getattr(uploaded_file, "name", "") or "document.pdf").rsplit("/", 1)[-1][:255],
        size=uploaded_file.size,
        sha256=sha.hexdigest(),
        page_count=page_count,
        uploaded_by=actor,
    )
    document.file.save("upload", File(uploaded_file), save=False)
    document.save()
    audit_record(
        actor=actor,
        verb="grant_report_document",
        obj=report.agreement.application,
        data={"report_id": report.pk, "document_id": document.pk, "sha256": document.sha256},
    )
    return document


def report_submit(*, report: Report, actor, at: datetime | None = None) -> Report:
    """`submit` (owner only): staff are emailed."""
    at = at or timezone.now()
    return grant_transition(
        obj=report,
        transition=REPORT_TRANSITIONS["submit"],
        actor=actor,
        at=at,
        apply=lambda locked: setattr(locked, "submitted_at", at),
    )


def report_request_correction(*, report: Report, actor, message: str) -> Report:
    """`request_correction`: the report is editable again; the message goes to the thread and
    by email."""
    return grant_transition(
        obj=report,
        transition=REPORT_TRANSITIONS["request_correction"],
        actor=actor,
        note=message,
        apply=lambda locked: setattr(locked, "correction_note", message.strip()),
    )


@transaction.atomic
def report_accept(*, report: Report, actor, at: datetime | None = None) -> Report:
    """`accept`, then `release` of the instalments this report conditions (same transaction)."""
    at = at or timezone.now()
    report = grant_transition(
        obj=report,
        transition=REPORT_TRANSITIONS["accept"],
        actor=actor,
        at=at,
        apply=lambda locked: setattr(locked, "accepted_at", at),
    )
    instalments_release(
        instalments=Instalment.objects.filter(report=report, condition=Instalment.Condition.REPORT),
        actor=actor,
        at=at,
    )
    return report
