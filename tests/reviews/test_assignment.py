"""Assignment: by hand and automatically, balanced and never conflicted; reviewer profiles."""

import pytest
from django.core import mail

from actions.models import Action
from applications.models import ConsortiumPartner, Membership
from applications.states import State
from cma_portal.models import AuditEvent
from reviews.errors import ReviewError
from reviews.models import Assignment, ReviewerProfile
from reviews.services.assignments import assignment_withdraw, assignments_auto
from reviews.services.grids import reviewer_set_actions
from tests.factories import (
    ApplicationFactory,
    OrganisationFactory,
    SubmittedDossierFactory,
    UserFactory,
    covering_reviewer,
    programme_manager,
)
from tests.reviews.helpers import assign, due

pytestmark = pytest.mark.django_db


def test_reviewer_set_actions_creates_profile_and_audits():
    user = covering_reviewer(actions=[])
    actions = list(Action.objects.filter(number__in=[1, 3]))
    profile = reviewer_set_actions(user=user, actions=actions, actor=None)
    assert set(profile.actions.values_list("number", flat=True)) == {1, 3}
    assert ReviewerProfile.objects.filter(user=user).count() == 1
    assert AuditEvent.objects.filter(verb="reviewer_actions", object_id=str(profile.pk)).count() == 2


def test_manual_assignment_moves_dossier_under_review_and_emails(django_capture_on_commit_callbacks):
    dossier = SubmittedDossierFactory()
    reviewer = covering_reviewer()
    with django_capture_on_commit_callbacks(execute=True):
        assignment = assign(dossier, reviewer)
    dossier.refresh_from_db()
    assert dossier.state == State.UNDER_REVIEW
    assert assignment.state == Assignment.State.PENDING
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [reviewer.email]
    assert f"/evaluation/affectations/{assignment.pk}/" in mail.outbox[0].body
    with pytest.raises(ReviewError, match="déjà sollicitée"):
        assign(dossier, reviewer)


def test_assignment_refused_for_partner_member_non_reviewer_and_wrong_state():
    dossier = SubmittedDossierFactory()
    partner_org = OrganisationFactory()
    ConsortiumPartner.objects.create(application=dossier, organisation=partner_org, role="hospital")
    member = covering_reviewer()
    Membership.objects.create(user=member, organisation=partner_org)
    with pytest.raises(ReviewError, match="Conflit d'intérêts"):
        assign(dossier, member)
    with pytest.raises(ReviewError, match="rôle"):
        assign(dossier, UserFactory())
    with pytest.raises(ReviewError, match="ne peut pas être évalué"):
        assign(ApplicationFactory(), covering_reviewer())


def test_auto_assignment_balances_load_and_covers_actions():
    pm = programme_manager()
    action1, action3 = Action.objects.get(number=1), Action.objects.get(number=3)
    only_action1 = covering_reviewer(actions=[action1])
    reviewers = [covering_reviewer(actions=[action3]) for _ in range(3)]
    dossiers = [SubmittedDossierFactory() for _ in range(3)]  # action 3
    made, short = assignments_auto(applications=dossiers, actor=pm, per_dossier=2, due_at=due())
    assert len(made) == 6 and not short
    loads = [Assignment.objects.filter(reviewer=r).count() for r in reviewers]
    assert loads == [2, 2, 2]
    assert not Assignment.objects.filter(reviewer=only_action1).exists()
    # Run again: nothing to do (idempotent).
    made, short = assignments_auto(applications=dossiers, actor=pm, per_dossier=2, due_at=due())
    assert made == [] and short == []


def test_auto_assignment_reports_dossiers_short_of_reviewers():
    dossier = SubmittedDossierFactory()
    member = covering_reviewer()
    Membership.objects.create(user=member, organisation=dossier.lead_organisation)
    lone = covering_reviewer()
    made, short = assignments_auto(applications=[dossier], actor=programme_manager(), per_dossier=2)
    assert [a.reviewer for a in made] == [lone]
    assert short == [dossier]


def test_withdraw_assignment_only_before_submission():
    from tests.reviews.helpers import submitted_review

    pm = programme_manager()
    dossier = SubmittedDossierFactory()
    first, second = assign(dossier, covering_reviewer(), pm), assign(dossier, covering_reviewer(), pm)
    assignment_withdraw(assignment=first, actor=pm)
    first.refresh_from_db()
    assert first.state == Assignment.State.WITHDRAWN
    submitted_review(second)
    with pytest.raises(ReviewError):
        assignment_withdraw(assignment=second, actor=pm)


def test_assign_reviewers_task_is_idempotent():
    from reviews.tasks import assign_reviewers_task

    dossier = SubmittedDossierFactory()
    covering_reviewer(), covering_reviewer(), covering_reviewer()
    assert assign_reviewers_task.delay(wave_id=dossier.wave_id).get() == 2
    assert assign_reviewers_task.delay(wave_id=dossier.wave_id).get() == 0


def test_demo_seed_is_idempotent():
    import io

    from reviews import demo
    from tests.factories import reviewer

    users = {
        "evaluateur@demo.cma.fr": reviewer(),
        "evaluatrice@demo.cma.fr": reviewer(),
        "charge@demo.cma.fr": programme_manager(),
    }
    dossier = SubmittedDossierFactory(state=State.UNDER_REVIEW)
    submitted = SubmittedDossierFactory(wave=dossier.wave)
    out = io.StringIO()
    demo.seed(users=users, wave=dossier.wave, stdout=out)
    demo.seed(users=users, wave=dossier.wave, stdout=out)
    assert Assignment.objects.filter(application=dossier).count() == 2
    assert not Assignment.objects.filter(application=submitted).exists()
    first = Assignment.objects.get(application=dossier, reviewer=users["evaluateur@demo.cma.fr"])
    assert first.review.is_submitted
