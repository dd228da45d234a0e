"""Expiry of dossiers: at the first instant after the deadline, audited, owner told, once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from applications.models import Application
from applications.services.expiry import dossiers_expire
from applications.tasks.periodic import expire_dossiers_task
from cma_portal.models import AuditEvent
from tests.factories import ApplicationFactory, CollaboratorFactory

PARIS = ZoneInfo("Europe/Paris")
DEADLINE = datetime(2026, 2, 28, 23, 59, 59, 999999, tzinfo=PARIS)


def dossier_draft(**kwargs):
    return ApplicationFactory(
        state="dossier_draft",
        dossier_deadline=DEADLINE,
        reference=f"CMA-SN-2026-{Application.objects.count() + 1:04d}",
        **kwargs,
    )


def expire_at(instant, django_capture_on_commit_callbacks):
    with time_machine.travel(instant, tick=False), django_capture_on_commit_callbacks(execute=True):
        return dossiers_expire(now=instant)


@pytest.mark.django_db
def test_expiry_at_the_instant_the_deadline_passes(django_capture_on_commit_callbacks):
    application = dossier_draft()
    CollaboratorFactory(application=application)
    assert expire_at(DEADLINE - timedelta(seconds=1), django_capture_on_commit_callbacks) == 0
    assert expire_at(DEADLINE, django_capture_on_commit_callbacks) == 0
    application.refresh_from_db()
    assert application.state == "dossier_draft"
    assert mail.outbox == []

    assert expire_at(DEADLINE + timedelta(microseconds=1), django_capture_on_commit_callbacks) == 1
    application.refresh_from_db()
    assert application.state == "dossier_expired"
    event = AuditEvent.objects.get(
        object_type="applications.application", object_id=str(application.pk), verb="transition"
    )
    assert (event.from_state, event.to_state, event.actor, event.data["transition"]) == (
        "dossier_draft",
        "dossier_expired",
        None,
        "expire",
    )
    # Only the owner is told, once, in French with a text and an HTML part.
    assert [m.to for m in mail.outbox] == [[application.owner.email]]
    assert application.reference in mail.outbox[0].subject
    assert "délai" in mail.outbox[0].subject
    assert "28/02/2026 23:59" in mail.outbox[0].body
    assert mail.outbox[0].alternatives[0][1] == "text/html"

    # Idempotent: a second run (a retried task, a second beat) does nothing.
    assert expire_at(DEADLINE + timedelta(seconds=1), django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_expiry_leaves_other_states_and_later_deadlines(django_capture_on_commit_callbacks):
    submitted = ApplicationFactory(state="dossier_submitted", dossier_deadline=DEADLINE)
    later = ApplicationFactory(state="dossier_draft", dossier_deadline=DEADLINE + timedelta(days=30))
    no_deadline = ApplicationFactory(state="dossier_draft", dossier_deadline=None)
    assert expire_at(DEADLINE + timedelta(days=1), django_capture_on_commit_callbacks) == 0
    states = dict(Application.objects.values_list("pk", "state"))
    assert states == {
        submitted.pk: "dossier_submitted",
        later.pk: "dossier_draft",
        no_deadline.pk: "dossier_draft",
    }


@pytest.mark.django_db
def test_expire_task_and_command(django_capture_on_commit_callbacks, capsys):
    first, second = dossier_draft(), dossier_draft()
    with time_machine.travel(DEADLINE + timedelta(minutes=5), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert expire_dossiers_task.delay().get() == 2
        call_command("expire_dossiers")
    assert "expired" in capsys.readouterr().out
    assert set(Application.objects.values_list("state", flat=True)) == {"dossier_expired"}
    assert len(mail.outbox) == 2
    assert {m.to[0] for m in mail.outbox} == {first.owner.email, second.owner.email}
