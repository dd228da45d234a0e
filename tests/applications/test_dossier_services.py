"""The dossier services: completeness, deadline formatting, the submit guard, and two saves racing
on a real PostgreSQL."""

import threading
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from applications.models import Application, BudgetLine, ConsortiumPartner, Milestone
from applications.selectors.dossier import budget_drift, dossier_missing_items, format_paris
from applications.services import transitions as services
from applications.services.dossier import DossierConflict, dossier_section_save
from applications.states import State
from applications.workflow import TRANSITIONS
from cma_portal.models import AuditEvent
from tests.factories import ApplicationFactory, OrganisationFactory

PARIS = ZoneInfo("Europe/Paris")


def _dossier(**kwargs):
    kwargs.setdefault("state", State.DOSSIER_DRAFT)
    kwargs.setdefault("dossier_deadline", timezone.now() + timedelta(days=30))
    return ApplicationFactory(**kwargs)


@pytest.mark.parametrize(
    ("instant", "text"),
    [
        # End of day in winter (UTC+1) and in summer (UTC+2) both read 23:59 in Paris.
        (datetime(2027, 2, 28, 22, 59, 59, tzinfo=ZoneInfo("UTC")), "28/02/2027 à 23:59 (heure de Paris)"),
        (datetime(2027, 7, 31, 21, 59, 59, tzinfo=ZoneInfo("UTC")), "31/07/2027 à 23:59 (heure de Paris)"),
    ],
)
def test_format_paris_across_dst(instant, text):
    assert format_paris(instant) == text


@pytest.mark.django_db
def test_missing_items_name_each_gap():
    application = _dossier()
    ConsortiumPartner.objects.create(
        application=application, organisation=OrganisationFactory(name="CHU de Nantes"), role="hospital"
    )
    BudgetLine.objects.create(
        application=application, year=1, category="staff", eligible_cost=100, aid_requested=80
    )
    missing = dossier_missing_items(application)
    assert missing == [
        "La présentation du projet (PDF) n'est pas déposée.",
        "L'annexe financière (tableur) n'est pas déposée.",
        "Aucun objectif de formation n'est renseigné.",
        "Aucun jalon n'est renseigné.",
        "La lettre d'engagement signée de « CHU de Nantes » n'est pas déposée.",
        "L'aide demandée représente 80,00 % des coûts éligibles, au-delà du maximum de 70 %.",
    ]


@pytest.mark.django_db
def test_budget_drift_threshold_is_twenty_percent_either_way():
    application = _dossier(estimated_total_cost=Decimal("100000"))
    assert budget_drift(application) is None  # no budget yet
    line = BudgetLine.objects.create(application=application, year=1, category="staff", eligible_cost=120000)
    assert budget_drift(application) is None
    line.eligible_cost = Decimal("79999")
    line.save()
    drift = budget_drift(application)
    # Just over the threshold (-20.001 %) warns, shown rounded to one decimal.
    assert drift["percent"] == Decimal("-20.0")
    assert drift["estimate"] == Decimal("100000")


@pytest.mark.django_db
def test_submit_guard_refuses_after_deadline_and_when_incomplete():
    deadline = datetime(2027, 2, 28, 23, 59, 59, 999999, tzinfo=PARIS)
    application = _dossier(dossier_deadline=deadline)
    guard = TRANSITIONS["submit_dossier"].guard
    with pytest.raises(services.TransitionError) as late:
        guard(application, deadline + timedelta(microseconds=1))
    assert "dépassé depuis le 28/02/2027 à 23:59 (heure de Paris)" in late.value.message
    with pytest.raises(services.TransitionError) as incomplete:
        guard(application, deadline)
    assert incomplete.value.message.startswith("Le dossier est incomplet")


@pytest.mark.django_db
def test_section_save_with_stale_version_changes_nothing():
    application = _dossier()
    version = application.version
    dossier_section_save(
        application=application,
        actor=application.owner,
        version=version,
        section="milestones",
        write=lambda: Milestone.objects.create(application=application, title="A", due_month=1) and None,
    )
    with pytest.raises(DossierConflict):
        dossier_section_save(
            application=application,
            actor=application.owner,
            version=version,
            section="milestones",
            write=lambda: Milestone.objects.create(application=application, title="B", due_month=2) and None,
        )
    assert list(Milestone.objects.values_list("title", flat=True)) == ["A"]
    assert Application.objects.get(pk=application.pk).version == version + 1
    assert AuditEvent.objects.filter(verb="dossier_saved").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_one_wins_one_conflicts():
    application = _dossier()
    version = application.version
    barrier = threading.Barrier(2)
    outcomes = []

    def save(title):
        try:
            barrier.wait(timeout=10)
            dossier_section_save(
                application=Application.objects.get(pk=application.pk),
                actor=application.owner,
                version=version,
                section="milestones",
                write=lambda: (
                    Milestone.objects.create(application=application, title=title, due_month=1) and None
                ),
            )
            outcomes.append("saved")
        except DossierConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(title,)) for title in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "saved"]
    assert Milestone.objects.filter(application=application).count() == 1
    assert Application.objects.get(pk=application.pk).version == version + 1
