"""Demo data of the review app, for `seed_demo`. Idempotent: run it as often as you like.

The default grid comes from a data migration. Here: the demo reviewers cover every action;
demo dossiers under review get both reviewers (the first declares no conflict
and submits a review, the second still has to declare); decided demo dossiers get a Decision
row, laureates published.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from actions.models import Action
from applications.demo_bulk import PREFIX as BENCH_PREFIX
from applications.models import Application
from applications.states import State
from reviews.errors import ReviewError
from reviews.models import Assignment, Decision, Review
from reviews.services.assignments import assignment_create, assignment_declare
from reviews.services.decisions import decision_record
from reviews.services.grids import reviewer_set_actions
from reviews.services.reviews import review_save, review_start

REVIEWERS = ("evaluateur@demo.cma.fr", "evaluatrice@demo.cma.fr")
PROGRAMME_MANAGER = "charge@demo.cma.fr"


def seed(*, users, wave, stdout):
    reviewers = [users[email] for email in REVIEWERS if email in users]
    manager = users.get(PROGRAMME_MANAGER)
    for reviewer in reviewers:
        if not hasattr(reviewer, "reviewer_profile"):
            reviewer_set_actions(user=reviewer, actions=Action.objects.all(), actor=None)
    due_at = timezone.now() + timedelta(days=21)
    count = 0
    # Submitted dossiers are left for the programme manager to assign in the demo.
    # Benchmark rows (`seed_demo --applications N`) get theirs in bulk from `reviews.demo_bulk`.
    demo = Application.objects.filter(wave=wave).exclude(acronym__startswith=BENCH_PREFIX)
    for application in demo.filter(state=State.UNDER_REVIEW).order_by("id"):
        for index, reviewer in enumerate(reviewers):
            assignment = Assignment.objects.filter(application=application, reviewer=reviewer).first()
            if assignment is None:
                try:
                    assignment = assignment_create(
                        application=application, reviewer=reviewer, due_at=due_at, actor=manager
                    )
                except ReviewError:
                    continue  # e.g. a demo reviewer who belongs to the demo organisation
                count += 1
            if index == 0:
                _submit_demo_review(assignment, reviewer)
    for application in demo.filter(state__in=(State.SELECTED, State.WAITLISTED, State.NOT_SELECTED)).exclude(
        decision__isnull=False
    ):
        Decision.objects.create(
            application=application,
            outcome=application.state,
            aid_granted=application.aid_granted if application.state == State.SELECTED else None,
            rationale=application.decision_note or "Décision du comité de sélection (démonstration).",
            decided_by=manager,
            published_at=timezone.now() if application.state == State.SELECTED else None,
        )
    stdout.write(f"Évaluation : {count} affectation(s) de démonstration créée(s).")


def _submit_demo_review(assignment, reviewer):
    if assignment.state == Assignment.State.PENDING:
        assignment = assignment_declare(assignment=assignment, conflict=False, reason="", actor=reviewer)
    if assignment.state != Assignment.State.ACCEPTED:
        return
    review = review_start(assignment=assignment)
    if review.state == Review.State.SUBMITTED:
        return
    values = [4, 3, 4, 3, 4, 3, 3]
    scores = {
        score.criterion_id: (
            min(values[i % len(values)], score.criterion.scale_max),
            "Appréciation de démonstration.",
        )
        for i, score in enumerate(review.scores.select_related("criterion"))
    }
    review_save(
        review=review,
        scores=scores,
        overall_opinion="Projet solide, consortium engagé ; le modèle économique reste à préciser.",
        recommendation="fund_with_changes",
        actor=reviewer,
        submit=True,
    )


def decide(application, target, manager) -> None:
    """The committee's decision for a demo dossier under review (passed to the applications'
    demo seed)."""
    outcome = {
        State.SELECTED: Decision.Outcome.SELECTED,
        State.WAITLISTED: Decision.Outcome.WAITLISTED,
        State.NOT_SELECTED: Decision.Outcome.NOT_SELECTED,
    }[target]
    decision_record(
        application=application,
        outcome=outcome,
        rationale="Projet solide, consortium complet."
        if outcome == Decision.Outcome.SELECTED
        else "Classement insuffisant.",
        actor=manager,
        aid_granted=Decimal("540000") if outcome == Decision.Outcome.SELECTED else None,
    )
