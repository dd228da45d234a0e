"""Reviews: the reviewer's scores, saved as drafts and submitted once."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cma_portal.audit import audit_record
from reviews import scoring
from reviews.errors import ReviewError
from reviews.models import Assignment, Review, Score
from reviews.selectors import current_grid_for
from reviews.services.transitions import review_side_transition
from reviews.workflow import REVIEW_TRANSITIONS


@transaction.atomic
def review_start(*, assignment: Assignment) -> Review:
    """The review of `assignment`, created on first opening with the dossier's current grid
    (pinned: later grid versions do not change it) and one empty score per criterion."""
    try:
        return assignment.review
    except Review.DoesNotExist:
        pass
    grid = current_grid_for(assignment.application)
    review, created = Review.objects.get_or_create(assignment=assignment, defaults={"grid": grid})
    if created:
        Score.objects.bulk_create(Score(review=review, criterion=c) for c in grid.criteria.all())
    assignment.review = review
    return review


@transaction.atomic
def review_save(
    *,
    review: Review,
    scores: dict[int, tuple[int | None, str]],
    overall_opinion: str,
    recommendation: str,
    actor,
    submit: bool = False,
) -> Review:
    """Save the reviewer's scores (criterion id → (value or None, comment)); `submit` checks
    every criterion is scored, computes the weighted score on /20 and makes the review
    read-only.

    Side effects: an AuditEvent "review_saved" or "review_submitted".
    """
    review = Review.objects.select_for_update().select_related("assignment").get(pk=review.pk)
    if actor is None or review.assignment.reviewer_id != actor.pk:
        raise ReviewError(_("Seule la personne sollicitée peut remplir cette évaluation."))
    if review.assignment.state != Assignment.State.ACCEPTED:
        raise ReviewError(_("Cette évaluation n'est pas ouverte (déclaration d'intérêts)."))
    if review.is_submitted:
        raise ReviewError(_("Cette évaluation a déjà été transmise ; elle ne peut plus être modifiée."))
    rows = list(review.scores.select_related("criterion"))
    for row in rows:
        value, comment = scores.get(row.criterion_id, (row.value, row.comment))
        if value is not None and not 0 <= int(value) <= row.criterion.scale_max:
            raise ReviewError(
                _("La note du critère « %(label)s » doit être comprise entre 0 et %(max)s.")
                % {"label": row.criterion.label, "max": row.criterion.scale_max}
            )
        row.value = value
        row.comment = comment or ""
    Score.objects.bulk_update(rows, ["value", "comment"])
    review.overall_opinion = overall_opinion or ""
    review.recommendation = recommendation or ""
    review.updated_at = timezone.now()
    if submit:
        missing = [row.criterion.label for row in rows if row.value is None]
        if missing:
            raise ReviewError(
                _("Notez chaque critère avant de transmettre : %(labels)s.") % {"labels": ", ".join(missing)}
            )
        if not review.overall_opinion.strip() or not review.recommendation:
            raise ReviewError(_("L'avis global et la recommandation sont obligatoires pour transmettre."))
        weighted = scoring.weighted_score(
            (row.criterion.weight, row.value, row.criterion.scale_max) for row in rows
        )
        review.save()

        def score(locked: Review) -> None:
            locked.weighted_score = weighted
            locked.submitted_at = locked.updated_at

        return review_side_transition(
            obj=review,
            transition=REVIEW_TRANSITIONS["submit"],
            actor=actor,
            verb="review_submitted",
            data={"weighted_score": str(weighted) if weighted is not None else None},
            apply=score,
        )
    review.save()
    audit_record(
        actor=actor, verb="review_saved", obj=review, to_state=review.state, data={"weighted_score": None}
    )
    return review
