"""Consensus and evaluation summaries for the benchmark dossiers of `reviews.demo_bulk`, in bulk:
every reviewed dossier gets a validated consensus (its rapporteur the demo reviewer where they
review it, else the first reviewer; per criterion the rounded mean of the reviews), and every
decided dossier its summary, released with the decision. Idempotent: dossiers that already have
a consensus are left alone."""

from django.utils import timezone

from applications.demo_bulk import PREFIX
from applications.states import State
from reviews import scoring
from reviews.models import (
    Assignment,
    Consensus,
    ConsensusScore,
    EvaluationSummary,
    EvaluationSummaryItem,
    Review,
    Score,
)

BATCH = 1000
DECIDED = (State.SELECTED, State.WAITLISTED, State.NOT_SELECTED)
COMMENT = "Consensus de banc d'essai : appréciation partagée par les expert·es."


def seed_bulk_consensus(*, demo_reviewer, manager, now=None) -> int:
    """Validated consensus (and released summaries on decided dossiers); returns how many."""
    now = now or timezone.now()
    reviews = list(
        Review.objects.filter(
            assignment__application__acronym__startswith=PREFIX,
            assignment__application__consensus=None,
            assignment__state=Assignment.State.ACCEPTED,
            state=Review.State.SUBMITTED,
        )
        .select_related("assignment__application", "grid")
        .order_by("assignment__application_id", "assignment_id")
    )
    if not reviews:
        return 0
    by_application: dict[int, list[Review]] = {}
    for review in reviews:
        by_application.setdefault(review.assignment.application_id, []).append(review)
    values: dict[tuple[int, int], list[int]] = {}
    for review_id, criterion_id, value in Score.objects.filter(review__in=reviews).values_list(
        "review_id", "criterion_id", "value"
    ):
        values.setdefault((review_id, criterion_id), []).append(value)
    criteria = {}
    for review in reviews:
        if review.grid_id not in criteria:
            criteria[review.grid_id] = list(review.grid.criteria.all())
    consensuses, scores, states = [], [], {}
    for application_id, own in by_application.items():
        rapporteur = next(
            (r for r in own if r.assignment.reviewer_id == getattr(demo_reviewer, "pk", None)), own[0]
        )
        grid_criteria = criteria[rapporteur.grid_id]
        means = {}
        for criterion in grid_criteria:
            found = [v for r in own for v in values.get((r.pk, criterion.pk), []) if v is not None]
            means[criterion.pk] = round(sum(found) / len(found)) if found else 0
        consensus = Consensus(
            application_id=application_id,
            assignment=rapporteur.assignment,
            grid_id=rapporteur.grid_id,
            state=Consensus.State.VALIDATED,
            overall_opinion=COMMENT,
            weighted_score=scoring.weighted_score(
                (c.weight, means[c.pk], c.scale_max) for c in grid_criteria
            ),
            named_by=manager,
            named_at=now,
            submitted_at=now,
            validated_at=now,
            validated_by=manager,
        )
        consensuses.append(consensus)
        scores.append(means)
        states[application_id] = rapporteur.assignment.application.state
    Consensus.objects.bulk_create(consensuses, batch_size=BATCH)
    ConsensusScore.objects.bulk_create(
        [
            ConsensusScore(consensus=c, criterion_id=criterion_id, value=value, comment=COMMENT)
            for c, means in zip(consensuses, scores, strict=True)
            for criterion_id, value in means.items()
        ],
        batch_size=BATCH,
    )
    decided = [
        (c, means)
        for c, means in zip(consensuses, scores, strict=True)
        if states[c.application_id] in DECIDED
    ]
    summaries = EvaluationSummary.objects.bulk_create(
        [
            EvaluationSummary(
                application_id=c.application_id,
                consensus=c,
                overall_opinion=COMMENT,
                weighted_score=c.weighted_score,
                updated_by=manager,
                released_at=now,
            )
            for c, _means in decided
        ],
        batch_size=BATCH,
    )
    EvaluationSummaryItem.objects.bulk_create(
        [
            EvaluationSummaryItem(summary=summary, criterion_id=criterion_id, value=value, comment=COMMENT)
            for summary, (_c, means) in zip(summaries, decided, strict=True)
            for criterion_id, value in means.items()
        ],
        batch_size=BATCH,
    )
    return len(consensuses)
