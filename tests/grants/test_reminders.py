"""Report reminders with time-machine: D-30, D-7, D-1 once each, overdue (D+7) once."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from applications.models import Reminder
from grants.services.reminders import report_deadline, report_reminders_sweep
from tests.factories import programme_manager
from tests.grants.helpers import laureate, signed_agreement

pytestmark = pytest.mark.django_db
PARIS = timezone.get_default_timezone()


def at(day, hour=9):
    return timezone.make_aware(datetime.combine(day, time(hour)), PARIS)


def test_report_reminders_are_sent_once_each_and_overdue_once(django_capture_on_commit_callbacks):
    pm = programme_manager()
    agreement = signed_agreement(laureate(aid=Decimal("300000.00"), manager=pm), pm, duration=24)
    report = agreement.reports.order_by("number").first()
    deadline = report_deadline(report)  # end of the due date, Paris time
    hour = timedelta(hours=1)
    owner = agreement.application.owner
    sent = []
    for instant, expected in (
        (deadline - timedelta(days=30) - hour, {}),
        (deadline - timedelta(days=30) + hour, {"report_d30": 1}),
        (deadline - timedelta(days=20), {}),
        (deadline - timedelta(days=7) + hour, {"report_d7": 1}),
        (deadline - timedelta(days=1) + hour, {"report_d1": 1}),
        (deadline + timedelta(days=3), {}),
        (deadline + timedelta(days=7) + hour, {"report_overdue_d7": 1}),
        (deadline + timedelta(days=7) + 2 * hour, {}),
        (deadline + timedelta(days=12), {}),
    ):
        day = instant
        with time_machine.travel(instant, tick=False):
            for _run in range(2):  # a second sweep at the same instant sends nothing
                mail.outbox.clear()
                with django_capture_on_commit_callbacks(execute=True):
                    counts = report_reminders_sweep()
                sent.append((day, counts, [m.to[0] for m in mail.outbox]))
                assert counts == (expected if _run == 0 else {}), (day, counts)
                if counts:
                    assert owner.email in [m.to[0] for m in mail.outbox]
    kinds = sorted(Reminder.objects.filter(target_type="grants.report").values_list("kind", flat=True))
    assert kinds == ["report_d1", "report_d30", "report_d7", "report_overdue_d7"]


def test_a_submitted_report_gets_no_reminder_and_the_command_runs_the_sweep(capsys):
    pm = programme_manager()
    agreement = signed_agreement(laureate(manager=pm), pm, duration=24)
    report = agreement.reports.order_by("number").first()
    type(report).objects.filter(pk=report.pk).update(state="submitted")
    with time_machine.travel(at(report.due_date - timedelta(days=7)), tick=False):
        assert report_reminders_sweep() == {}
        call_command("send_reminders")
    assert "reminder sweep" in capsys.readouterr().out
