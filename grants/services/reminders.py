"""Report reminders: D-30, D-7 and D-1 before a report's due date, and once when it is a week
overdue (D+7), to the owner and co-editors, on the machinery of
`applications.services.reminders` (a Reminder row claimed with ON CONFLICT DO NOTHING per
kind, report and due instant: sent exactly once, whatever the retries)."""

from collections import Counter
from datetime import datetime, time, timedelta

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from applications.models import Collaborator
from applications.services.reminders import BATCH_SIZE, CATCH_UP, Planned, batched, nearest_due, send_planned
from grants.models import Agreement, Report

REPORT_OFFSETS = {
    "report_d30": timedelta(days=30),
    "report_d7": timedelta(days=7),
    "report_d1": timedelta(days=1),
}
OVERDUE_KIND = "report_overdue_d7"
OVERDUE_AFTER = timedelta(days=7)


def report_deadline(report: Report) -> datetime:
    """A report is due by the end of its due date, Paris time."""
    return timezone.make_aware(
        datetime.combine(report.due_date, time(23, 59, 59)), timezone.get_default_timezone()
    )


def _queryset():
    return (
        Report.objects.filter(
            state__in=Report.EDITABLE,
            agreement__state__in=(Agreement.State.SIGNED, Agreement.State.RUNNING),
        )
        .select_related("agreement__application__owner")
        .prefetch_related(
            Prefetch(
                "agreement__application__collaborators",
                queryset=Collaborator.objects.filter(
                    accepted_at__isnull=False, user__isnull=False, user__is_active=True
                ).select_related("user"),
                to_attr="accepted_collaborators",
            )
        )
    )


def _planned(report: Report, kind: str, due_at: datetime, deadline: datetime, event: str) -> Planned:
    application = report.agreement.application
    return Planned(
        kind=kind,
        target_type=Report._meta.label_lower,
        target_id=str(report.pk),
        due_at=due_at,
        deadline=deadline,
        recipients=[application.owner] + [c.user for c in application.accepted_collaborators],
        application=application,
        template="grant_notice",
        context={
            "event": event,
            "reference": application.reference or "",
            "title": application.title,
            "report_kind": report.kind,
            "report_number": str(report.number),
            "deadline": report.due_date.strftime("%d/%m/%Y"),
            "url": reverse("grants:report", args=[application.pk, report.pk]),
        },
    )


def report_reminders_sweep(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Send the report reminders due at `now` (each once); return the count per kind.

    Side effects: Reminder rows, AuditEvents "reminder_sent" on the reports, emails on commit."""
    now = now or timezone.now()
    counts: Counter = Counter()
    today = timezone.localtime(now).date()
    window = _queryset().filter(
        due_date__gte=today - OVERDUE_AFTER - CATCH_UP - timedelta(days=1),
        due_date__lte=today + max(REPORT_OFFSETS.values()) + timedelta(days=1),
    )
    for batch in batched(window, batch_size):
        planned = []
        for report in batch:
            deadline = report_deadline(report)
            due = nearest_due(deadline, REPORT_OFFSETS, now)
            if due is not None:
                planned.append(_planned(report, due[0], due[1], deadline, "report_due"))
                continue
            overdue_at = deadline + OVERDUE_AFTER
            if overdue_at <= now < overdue_at + CATCH_UP:
                planned.append(_planned(report, OVERDUE_KIND, overdue_at, deadline, "report_overdue"))
        send_planned(planned, now, counts)
    return dict(counts)
