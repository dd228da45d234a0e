"""Small builders for review tests, on top of tests.factories (real rows, real services)."""

from datetime import timedelta

from django.utils import timezone

from reviews.services.assignments import assignment_create, assignment_declare
from reviews.services.reviews import review_save, review_start
from tests.factories import SubmittedDossierFactory, covering_reviewer, programme_manager


def due():
    return timezone.now() + timedelta(days=20)


def assign(dossier, reviewer, pm=None):
    return assignment_create(
        application=dossier, reviewer=reviewer, due_at=due(), actor=pm or programme_manager()
    )


def submitted_review(assignment, value=4, *, submit=True):
    """Declare no conflict and score every criterion `value` (0–5)."""
    assignment_declare(assignment=assignment, conflict=False, reason="", actor=assignment.reviewer)
    review = review_start(assignment=assignment)
    scores = {s.criterion_id: (value, f"Commentaire {value}") for s in review.scores.all()}
    return review_save(
        review=review,
        scores=scores,
        overall_opinion="Avis détaillé de l'expert.",
        recommendation="fund",
        actor=assignment.reviewer,
        submit=submit,
    )


def reviewed_dossier(wave=None, reviewers=None, values=(4, 3), pm=None):
    dossier = SubmittedDossierFactory(**({"wave": wave} if wave else {}))
    reviewers = reviewers or [covering_reviewer() for _ in values]
    for reviewer, value in zip(reviewers, values, strict=False):
        submitted_review(assign(dossier, reviewer, pm), value)
    return dossier
