"""Role-scoped reads of the consensus and the evaluation summary (docs/evaluation.md).

- The rapporteur reaches the consensus through their own assignment (`rapporteur_consensus`):
  any other reviewer of the dossier gets a 403, a stranger a 404.
- The individual reviews are shown side by side, numbered "Évaluateur·rice 1, 2, 3" in the order
  they were submitted (no names on the consensus pages), with the spread of each criterion
  (highest minus lowest score) highlighted from `SPREAD_ALERT_SHARE` of the criterion's scale.
- The applicant reads the summary only once the decision released it (`released_summary`).
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from applications.models import Application
from reviews import selectors
from reviews.models import (
    Assignment,
    Consensus,
    ConsensusScore,
    Criterion,
    EvaluationSummary,
    EvaluationSummaryItem,
    Review,
    Score,
)

# A criterion's reviewers disagree when their scores differ by at least this share of its scale
# (2 points on a 0–5 scale).
SPREAD_ALERT_SHARE = 0.4


def _consensus_qs():
    return Consensus.objects.select_related("assignment__reviewer", "grid").prefetch_related(
        Prefetch(
            "scores",
            queryset=ConsensusScore.objects.select_related("criterion").order_by(
                "criterion__order", "criterion_id"
            ),
        )
    )


def consensus_of(application: Application) -> Consensus | None:
    """The dossier's consensus with its rapporteur, grid and scores, or None."""
    return _consensus_qs().filter(application=application).first()


def consensus_brief(application: Application) -> Consensus | None:
    """The dossier's consensus with its rapporteur, without its scores (one query)."""
    return Consensus.objects.select_related("assignment__reviewer").filter(application=application).first()


def rapporteur_consensus(user, assignment_pk: int) -> tuple[Assignment, Consensus]:
    """The assignment `assignment_pk` of reviewer `user` (404 / 403 as `get_assignment_for`) and
    the consensus it is the rapporteur of; 403 for a reviewer who is not the rapporteur."""
    assignment = selectors.get_assignment_for(user, assignment_pk)
    consensus = _consensus_qs().filter(assignment=assignment).first()
    if consensus is None:
        raise PermissionDenied(_("Vous n'êtes pas rapporteur de ce dossier."))
    return assignment, consensus


def rapporteur_candidates(application: Application) -> list[Assignment]:
    """The dossier's reviewers who declared no conflict: the rapporteur is one of them."""
    return list(
        Assignment.objects.filter(application=application, state=Assignment.State.ACCEPTED)
        .select_related("reviewer")
        .order_by("assigned_at", "id")
    )


def reviews_pending(application: Application) -> int:
    """How many reviews of reviewers without conflict are still awaited (0: the consensus may
    be written). Conflicted and withdrawn assignments do not count."""
    return (
        Assignment.objects.filter(application=application, state__in=Assignment.ACTIVE_STATES)
        .exclude(review__state=Review.State.SUBMITTED)
        .count()
    )


@dataclass
class CriterionRow:
    criterion: Criterion
    values: list  # one per review column, None when the review has no score for it
    spread: int | None = None
    alert: bool = False
    comments: list = field(default_factory=list)


@dataclass
class SideBySide:
    columns: list  # column labels: "Évaluateur·rice 1", …
    reviews: list  # the submitted reviews, in column order
    rows: list  # one CriterionRow per criterion of the grid
    comments: list = field(default_factory=list)  # per review: [(criterion, comment), …]

    @property
    def details(self) -> list:
        return list(zip(self.reviews, self.comments, strict=True))


def side_by_side(application: Application, criteria: list | None = None) -> SideBySide:
    """The submitted reviews of reviewers without conflict, criterion by criterion (two
    queries). `criteria`: the consensus's; by default those the reviews were scored on."""
    reviews = list(
        Review.objects.filter(
            assignment__application=application,
            assignment__state=Assignment.State.ACCEPTED,
            state=Review.State.SUBMITTED,
        )
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
        .order_by("submitted_at", "id")
    )
    by_review = [{s.criterion_id: s for s in review.scores.all()} for review in reviews]
    if criteria is None:
        found = {s.criterion_id: s.criterion for own in by_review for s in own.values()}
        criteria = sorted(found.values(), key=lambda c: (c.order, c.pk))
    rows = []
    for criterion in criteria:
        scores = [own.get(criterion.pk) for own in by_review]
        values = [s.value if s is not None else None for s in scores]
        present = [v for v in values if v is not None]
        spread = max(present) - min(present) if present else None
        rows.append(
            CriterionRow(
                criterion=criterion,
                values=values,
                spread=spread,
                alert=len(present) > 1 and spread >= SPREAD_ALERT_SHARE * criterion.scale_max,
                comments=[s.comment if s is not None else "" for s in scores],
            )
        )
    columns = [_("Évaluateur·rice %(n)s") % {"n": n} for n in range(1, len(reviews) + 1)]
    comments = [
        [(row.criterion, row.comments[i]) for row in rows if row.comments[i]] for i in range(len(reviews))
    ]
    return SideBySide(columns=columns, reviews=reviews, rows=rows, comments=comments)


def _summary_qs():
    return EvaluationSummary.objects.prefetch_related(
        Prefetch(
            "items",
            queryset=EvaluationSummaryItem.objects.select_related("criterion").order_by(
                "criterion__order", "criterion_id"
            ),
        )
    )


def summary_of(application: Application) -> EvaluationSummary | None:
    """The dossier's summary for staff, released or not."""
    return _summary_qs().filter(application=application).first()


def released_summary(application: Application) -> EvaluationSummary | None:
    """The summary the applicant may read: released with the decision, else None."""
    return _summary_qs().filter(application=application, released_at__isnull=False).first()


def released_summary_items(application: Application) -> tuple[EvaluationSummary | None, list]:
    """The released summary and its items, in one query (the application page is at its budget)."""
    items = list(
        EvaluationSummaryItem.objects.filter(
            summary__application=application, summary__released_at__isnull=False
        )
        .select_related("summary", "criterion")
        .order_by("criterion__order", "criterion_id")
    )
    return (items[0].summary if items else None), items
