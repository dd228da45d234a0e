"""Deadline reminders: D-30 / D-7 / D-1 exactly once, extension re-arms, batches bounded."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection

from applications.models import Reminder
from applications.services.reminders import reminders_sweep
from cma_portal.models import AuditEvent
from reviews.services.reminders import review_reminders_sweep
from tests.factories import ApplicationFactory, CollaboratorFactory, UserFactory, WaveFactory

PARIS = ZoneInfo("Europe/Paris")
DEADLINE = datetime(2026, 6, 30, 23, 59, 59, tzinfo=PARIS)
Kind = Reminder.Kind


def dossier_draft(**kwargs):
    kwargs.setdefault("state", "dossier_draft")
    kwargs.setdefault("dossier_deadline", DEADLINE)
    kwargs.setdefault("reference", f"CMA-SN-2026-{ApplicationFactory._meta.model.objects.count() + 1:04d}")
    return ApplicationFactory(**kwargs)


def sweep_at(instant, django_capture_on_commit_callbacks, **kwargs):
    with time_machine.travel(instant, tick=False), django_capture_on_commit_callbacks(execute=True):
        # What beat runs: the applications' sweep and the reviewers' one.
        return {**reminders_sweep(now=instant, **kwargs), **review_reminders_sweep(now=instant, **kwargs)}


@pytest.mark.django_db
def test_reminders_go_out_once_each_across_three_sweeps_a_day(django_capture_on_commit_callbacks):
    application = dossier_draft()
    co_editor = CollaboratorFactory(application=application).user
    CollaboratorFactory(application=application, accepted_at=None)  # invited, not accepted
    expected = [
        (Kind.DOSSIER_D30, DEADLINE - timedelta(days=30)),
        (Kind.DOSSIER_D7, DEADLINE - timedelta(days=7)),
        (Kind.DOSSIER_D1, DEADLINE - timedelta(days=1)),
    ]
    for kind, due in expected:
        mail.outbox.clear()
        # Just before the due instant nothing goes out; three sweeps on the day send one.
        assert sweep_at(due - timedelta(seconds=1), django_capture_on_commit_callbacks) == {}
        results = [sweep_at(due + timedelta(hours=h), django_capture_on_commit_callbacks) for h in (0, 6, 12)]
        assert results == [{kind: 1}, {}, {}]
        assert sorted(m.to[0] for m in mail.outbox) == sorted([application.owner.email, co_editor.email])
        assert all(application.reference in m.subject for m in mail.outbox)
        assert all(m.alternatives and "text/html" == m.alternatives[0][1] for m in mail.outbox)
    reminders = Reminder.objects.filter(application=application).order_by("due_at")
    assert [(r.kind, r.due_at) for r in reminders] == expected
    # The history of the application shows them.
    events = AuditEvent.objects.filter(
        object_type="applications.application", object_id=str(application.pk), verb="reminder_sent"
    )
    assert [e.data["kind"] for e in events.order_by("id")] == [k for k, _due in expected]
    # After the deadline nothing more.
    assert sweep_at(DEADLINE + timedelta(seconds=1), django_capture_on_commit_callbacks) == {}


@pytest.mark.django_db
def test_reminder_only_nearest_one_when_several_are_due(django_capture_on_commit_callbacks):
    """A sweep that did not run for weeks (or a late GO) sends D-7, not D-30 and D-7 together."""
    dossier_draft()
    late = DEADLINE - timedelta(days=7) + timedelta(hours=20)
    assert sweep_at(late, django_capture_on_commit_callbacks) == {Kind.DOSSIER_D7: 1}
    assert len(mail.outbox) == 1
    assert not Reminder.objects.filter(kind=Kind.DOSSIER_D30).exists()


@pytest.mark.django_db
def test_reminder_long_past_is_not_sent_late(django_capture_on_commit_callbacks):
    """Due more than a day ago (deadline set late, long outage): wait for the next one."""
    dossier_draft()
    assert sweep_at(DEADLINE - timedelta(days=5), django_capture_on_commit_callbacks) == {}
    assert sweep_at(DEADLINE - timedelta(days=1), django_capture_on_commit_callbacks) == {Kind.DOSSIER_D1: 1}


@pytest.mark.django_db
def test_reminders_only_for_dossier_drafts(django_capture_on_commit_callbacks):
    dossier_draft(state="dossier_submitted")
    dossier_draft(state="withdrawn")
    assert sweep_at(DEADLINE - timedelta(days=1), django_capture_on_commit_callbacks) == {}
    assert mail.outbox == []


@pytest.mark.django_db
def test_extension_moves_the_reminders(django_capture_on_commit_callbacks):
    application = dossier_draft()
    assert sweep_at(DEADLINE - timedelta(days=7), django_capture_on_commit_callbacks) == {Kind.DOSSIER_D7: 1}
    # Staff extend the deadline by 20 days (what the extension service writes).
    extended = DEADLINE + timedelta(days=20)
    type(application).objects.filter(pk=application.pk).update(dossier_deadline=extended)
    # The new D-30 had passed three days before the extension: not sent late. The old D-1
    # instant passes: nothing, the old deadline is gone.
    assert sweep_at(DEADLINE - timedelta(days=7, hours=-1), django_capture_on_commit_callbacks) == {}
    assert sweep_at(DEADLINE - timedelta(days=1), django_capture_on_commit_callbacks) == {}
    # The new deadline's reminders come back: D-7 and D-1 of the new deadline.
    assert sweep_at(extended - timedelta(days=7), django_capture_on_commit_callbacks) == {Kind.DOSSIER_D7: 1}
    assert sweep_at(extended - timedelta(days=1), django_capture_on_commit_callbacks) == {Kind.DOSSIER_D1: 1}
    assert sweep_at(extended - timedelta(hours=1), django_capture_on_commit_callbacks) == {}
    assert list(Reminder.objects.order_by("due_at").values_list("kind", "due_at")) == [
        (Kind.DOSSIER_D7, DEADLINE - timedelta(days=7)),
        (Kind.DOSSIER_D7, extended - timedelta(days=7)),
        (Kind.DOSSIER_D1, extended - timedelta(days=1)),
    ]


@pytest.mark.django_db
def test_wave_closing_reminders_to_letter_drafts(django_capture_on_commit_callbacks):
    closes = datetime(2026, 3, 30, 12, 0, tzinfo=PARIS)
    wave = WaveFactory(opens_at=closes - timedelta(days=60), closes_at=closes)
    draft = ApplicationFactory(wave=wave)
    ApplicationFactory(wave=wave, state="li_submitted")
    ApplicationFactory(
        wave=WaveFactory(opens_at=closes - timedelta(days=60), closes_at=closes + timedelta(days=30))
    )
    assert sweep_at(closes - timedelta(days=8), django_capture_on_commit_callbacks) == {}
    assert sweep_at(closes - timedelta(days=7), django_capture_on_commit_callbacks) == {Kind.WAVE_D7: 1}
    assert sweep_at(closes - timedelta(days=6), django_capture_on_commit_callbacks) == {}
    assert sweep_at(closes - timedelta(days=1), django_capture_on_commit_callbacks) == {Kind.WAVE_D1: 1}
    assert sweep_at(closes, django_capture_on_commit_callbacks) == {}
    assert [m.to for m in mail.outbox] == [[draft.owner.email]] * 2
    assert wave.name_fr in mail.outbox[0].subject


@pytest.mark.django_db
def test_wave_reminder_already_sent_is_not_read_again_but_a_moved_closing_rearms_it(
    django_capture_on_commit_callbacks,
):
    closes = datetime(2026, 3, 30, 12, 0, tzinfo=PARIS)
    wave = WaveFactory(opens_at=closes - timedelta(days=60), closes_at=closes)
    draft = ApplicationFactory(wave=wave)
    instant = closes - timedelta(days=7)
    assert sweep_at(instant, django_capture_on_commit_callbacks) == {Kind.WAVE_D7: 1}
    # The same instant again: the draft is filtered out in SQL (nothing loaded, nothing sent).
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert sweep_at(instant, django_capture_on_commit_callbacks) == {}
    assert not any("INSERT" in q["sql"] for q in queries.captured_queries)
    # The closing moves a week later: a new D-7 is due on the new date, and sent.
    wave.closes_at = closes + timedelta(days=7)
    wave.save()
    assert sweep_at(closes, django_capture_on_commit_callbacks) == {Kind.WAVE_D7: 1}
    assert [m.to for m in mail.outbox] == [[draft.owner.email]] * 2


@pytest.mark.django_db
def test_reminder_in_english_for_english_users(django_capture_on_commit_callbacks):
    dossier_draft(owner=UserFactory(preferred_language="en"))
    sweep_at(DEADLINE - timedelta(days=1), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1  # rendered with the English catalogue (translated by the lead)


@pytest.mark.django_db
def test_reminder_sweep_queries_bounded_per_batch(
    django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """Fixed number of queries per batch: 1 batch and 3 batches of 2 applications."""
    now = DEADLINE - timedelta(days=1)
    for _ in range(2):
        application = dossier_draft()
        CollaboratorFactory(application=application)
    # Per batch: applications, co-editors, savepoint, insert, audit events, outbox emails,
    # release = 7; plus the waves and the review source.
    with django_assert_max_num_queries(7 + 3):
        assert reminders_sweep(now=now, batch_size=2) == {Kind.DOSSIER_D1: 2}
    for _ in range(4):
        application = dossier_draft()
        CollaboratorFactory(application=application)
        CollaboratorFactory(application=application)
    Reminder.objects.all().delete()
    with django_assert_max_num_queries(3 * 7 + 3):
        assert reminders_sweep(now=now, batch_size=2) == {Kind.DOSSIER_D1: 6}


@pytest.mark.django_db
def test_send_reminders_command_prints_counts(django_capture_on_commit_callbacks, capsys):
    dossier_draft()
    now = DEADLINE - timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--now", now.isoformat())
    out = capsys.readouterr().out
    assert "dossier_d30: 1" in out
    call_command("send_reminders", "--now", now.isoformat())
    assert "0" in capsys.readouterr().out
    assert Reminder.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_send_each_reminder_once():
    """Two sweeps at the same instant, each in its own thread and database connection."""
    applications = [dossier_draft() for _ in range(30)]
    now = DEADLINE - timedelta(days=7)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(reminders_sweep(now=now, batch_size=7))
        except Exception as exc:  # pragma: no cover — reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sum(r.get(Kind.DOSSIER_D7, 0) for r in results) == len(applications)
    assert Reminder.objects.filter(kind=Kind.DOSSIER_D7).count() == len(applications)
    assert len(mail.outbox) == len(applications)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(a.owner.email for a in applications)


@pytest.mark.django_db
def test_reviewer_reminders_before_due_date(django_capture_on_commit_callbacks):
    from reviews.models import Assignment
    from tests.factories import SubmittedDossierFactory, reviewer

    due = datetime(2026, 9, 15, 18, 0, tzinfo=PARIS)
    pending = Assignment.objects.create(
        application=SubmittedDossierFactory(), reviewer=reviewer(), due_at=due
    )
    Assignment.objects.create(
        application=SubmittedDossierFactory(),
        reviewer=reviewer(),
        due_at=due,
        state=Assignment.State.WITHDRAWN,
    )
    assert sweep_at(due - timedelta(days=7, seconds=1), django_capture_on_commit_callbacks) == {}
    assert sweep_at(due - timedelta(days=7), django_capture_on_commit_callbacks) == {Kind.REVIEW_D7: 1}
    assert sweep_at(due - timedelta(days=1), django_capture_on_commit_callbacks) == {Kind.REVIEW_D1: 1}
    assert sweep_at(due - timedelta(hours=2), django_capture_on_commit_callbacks) == {}
    assert [m.to for m in mail.outbox] == [[pending.reviewer.email]] * 2
    # Recorded on the assignment, not in the application's (applicant-visible) history.
    assert (
        AuditEvent.objects.filter(
            verb="reminder_sent", object_type="reviews.assignment", object_id=str(pending.pk)
        ).count()
        == 2
    )
    assert not AuditEvent.objects.filter(
        verb="reminder_sent", object_type="applications.application"
    ).exists()
