"""Role-scoped reads for reviews. Views fetch assignments only through `get_assignment_for`."""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, DecimalField, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from applications.models import Application, ConsortiumPartner, Membership
from applications.states import State
from cma_portal import roles
from reviews import scoring
from reviews.models import Assignment, Consensus, Criterion, Decision, Grid, Review
from reviews.standing import SELECTION_STATES, wave_standing
from reviews.standing import ranking_key as standing_key

# Dossiers that reviewers and the selection pages deal with.
REVIEWABLE_STATES = (State.DOSSIER_SUBMITTED, State.UNDER_REVIEW)


def organisation_ids(application: Application) -> set[int]:
    ids = set(
        ConsortiumPartner.objects.filter(application=application).values_list("organisation_id", flat=True)
    )
    if application.lead_organisation_id:
        ids.add(application.lead_organisation_id)
    return ids


def is_member_conflict(user, application: Application) -> bool:
    """A reviewer who belongs to the lead or a partner organisation is in conflict."""
    return Membership.objects.filter(user=user, organisation_id__in=organisation_ids(application)).exists()


def conflicted_reviewer_ids(application: Application) -> set[int]:
    return set(
        Membership.objects.filter(organisation_id__in=organisation_ids(application)).values_list(
            "user_id", flat=True
        )
    )


def current_grid_for(application: Application) -> Grid:
    """The current grid of the dossier's first action that has one, else the default grid."""
    action_ids = [a.pk for a in application.actions.all()]
    grids = {
        g.action_id: g for g in Grid.objects.current().filter(Q(action_id__in=action_ids) | Q(action=None))
    }
    for action in sorted(application.actions.all(), key=lambda a: a.number):
        if action.pk in grids:
            return grids[action.pk]
    if None not in grids:
        raise Grid.DoesNotExist("No default grid: run the migrations.")
    return grids[None]


def reviewers_queryset():
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(groups__name=roles.REVIEWER, is_active=True)
        .select_related("reviewer_profile")
        .order_by("last_name", "first_name", "email")
        .distinct()
    )


# ---------------------------------------------------------------- reviewer side


def reviewer_queue(user) -> QuerySet[Assignment]:
    """The reviewer's assignments, newest due date last; one query whatever their number."""
    return (
        Assignment.objects.filter(reviewer=user)
        .exclude(state=Assignment.State.WITHDRAWN)
        .select_related("application__wave", "application__lead_organisation", "review")
        .order_by("due_at", "id")
    )


def get_assignment_for(user, pk: int, *, need_clear: bool = True) -> Assignment:
    """The assignment `pk` of reviewer `user`. 404 when it is not theirs (or withdrawn);
    PermissionDenied when `need_clear` and the reviewer is in conflict or has not declared yet
    (they may only see title, lead organisation and partners before declaring)."""
    if not getattr(user, "is_authenticated", False) or not roles.may(user, "review"):
        raise Http404
    try:
        assignment = (
            Assignment.objects.select_related(
                "application__wave", "application__lead_organisation", "application__owner"
            )
            .exclude(state=Assignment.State.WITHDRAWN)
            .get(pk=pk, reviewer=user)
        )
    except Assignment.DoesNotExist:
        raise Http404 from None
    if assignment.state == Assignment.State.CONFLICTED:
        raise PermissionDenied(
            _(
                "Vous avez déclaré un conflit d'intérêts sur ce dossier : il a été confié à un·e "
                "autre évaluateur·rice et vous ne pouvez plus le consulter."
            )
        )
    if need_clear:
        if assignment.state != Assignment.State.ACCEPTED:
            raise PermissionDenied
        # Membership may have changed since the declaration.
        if is_member_conflict(user, assignment.application):
            raise PermissionDenied
    return assignment


def visible_reviews_for(assignment: Assignment) -> list[Review]:
    """Other submitted reviews of the same dossier, shown to a reviewer only once their own is
    submitted. Never includes drafts."""
    own = getattr(assignment, "review", None)
    if own is None or not own.is_submitted:
        return []
    return list(
        Review.objects.filter(
            assignment__application_id=assignment.application_id,
            state=Review.State.SUBMITTED,
            assignment__state=Assignment.State.ACCEPTED,
        )
        .exclude(pk=own.pk)
        .prefetch_related(Prefetch("scores", queryset=_scores_qs()))
        .order_by("submitted_at", "id")
    )


def _scores_qs():
    from reviews.models import Score

    return Score.objects.select_related("criterion").order_by("criterion__order", "criterion_id")


def review_of(assignment: Assignment) -> Review | None:
    """The review of `assignment` with its grid and scores, or None before its first opening."""
    return (
        Review.objects.prefetch_related(Prefetch("scores", queryset=_scores_qs()))
        .select_related("grid")
        .filter(assignment=assignment)
        .first()
    )


def review_with_scores(review: Review) -> Review:
    return (
        Review.objects.prefetch_related(Prefetch("scores", queryset=_scores_qs()))
        .select_related("grid")
        .get(pk=review.pk)
    )


# ---------------------------------------------------------------- programme managers


def selection_dossiers() -> QuerySet[Application]:
    """Dossiers for the programme managers' list, annotated with review figures through
    subqueries, so that filters on reviewers do not multiply the aggregates."""
    submitted = Review.objects.filter(
        assignment__application=OuterRef("pk"),
        state=Review.State.SUBMITTED,
        assignment__state=Assignment.State.ACCEPTED,
    )
    decimal = DecimalField(max_digits=5, decimal_places=2)

    def agg(func, name):
        return Subquery(
            submitted.order_by()
            .values("assignment__application")
            .annotate(v=func("weighted_score"))
            .values("v")[:1],
            output_field=decimal,
        )

    from django.db.models import Avg, Max, Min

    return (
        Application.objects.filter(state__in=SELECTION_STATES)
        .select_related("wave", "lead_organisation", "decision")
        .prefetch_related("actions")
        .annotate(
            score_mean=agg(Avg, "mean"),
            score_max=agg(Max, "max"),
            score_min=agg(Min, "min"),
            reviews_submitted=Coalesce(
                Subquery(
                    submitted.order_by()
                    .values("assignment__application")
                    .annotate(c=Count("pk"))
                    .values("c")[:1]
                ),
                0,
            ),
            reviewers_active=Coalesce(
                Subquery(
                    Assignment.objects.filter(application=OuterRef("pk"), state__in=Assignment.ACTIVE_STATES)
                    .order_by()
                    .values("application")
                    .annotate(c=Count("pk"))
                    .values("c")[:1]
                ),
                0,
            ),
            has_conflict=Exists(
                Assignment.objects.filter(application=OuterRef("pk"), state=Assignment.State.CONFLICTED)
            ),
        )
        .order_by("reference", "id")
    )


def get_dossier_for_staff(user, pk: int) -> Application:
    if not getattr(user, "is_authenticated", False):
        raise Http404
    if not roles.may(user, "assign_reviewers"):
        raise PermissionDenied
    try:
        return (
            Application.objects.filter(state__in=SELECTION_STATES)
            .select_related("wave", "lead_organisation", "owner", "decision")
            .prefetch_related("actions", "partners__organisation")
            .get(pk=pk)
        )
    except Application.DoesNotExist:
        raise Http404 from None


def dossier_assignments(application: Application) -> list[Assignment]:
    return list(
        Assignment.objects.filter(application=application)
        .select_related("reviewer", "review__grid")
        .prefetch_related(Prefetch("review__scores", queryset=_scores_qs()))
        .order_by("assigned_at", "id")
    )


@dataclass
class RankingRow:
    application: Application
    aggregate: scoring.DossierAggregate
    rank: int = 0
    consensus: float | None = None  # the validated consensus's score (/20)


@dataclass
class Ranking:
    rows: list[RankingRow]
    stats: scoring.WaveStatistics
    threshold: float


def wave_scores(wave_id: int) -> list[scoring.ReviewScore]:
    rows = (
        Review.objects.filter(
            assignment__application__wave_id=wave_id,
            assignment__state=Assignment.State.ACCEPTED,
            state=Review.State.SUBMITTED,
        )
        .values_list("pk", "assignment__reviewer_id", "assignment__application_id", "weighted_score")
        .order_by("pk")
    )
    return [scoring.ReviewScore(pk, r, a, float(s)) for pk, r, a, s in rows if s is not None]


def ranking_key(row):
    """As `reviews.standing.ranking_key`: the validated consensus's score where there is one."""
    return standing_key(row.aggregate, row.application.reference or "", row.consensus)


def wave_ranking(wave, action=None) -> Ranking:
    """Dossiers of `wave` (optionally of one action) ranked by validated consensus score, else
    corrected mean, then raw mean (`ranking_key`).

    The severity correction uses every submitted review of the wave, whatever the action:
    a reviewer's severity shows across all they scored. Constant number of queries.
    """
    threshold = settings.REVIEW_DISAGREEMENT_THRESHOLD
    scores = wave_scores(wave.pk)
    stats = scoring.severity_correction(scores, min_reviews=settings.REVIEW_SEVERITY_MIN_REVIEWS)
    by_application: dict[int, list[scoring.ReviewScore]] = defaultdict(list)
    for s in scores:
        by_application[s.application_id].append(s)
    applications = (
        Application.objects.filter(wave=wave, state__in=SELECTION_STATES)
        .select_related("lead_organisation", "decision", "wave")
        .prefetch_related("actions")
    )
    if action is not None:
        applications = applications.filter(actions=action)
    consensus = Consensus.objects.validated_scores(wave.pk)
    rows = []
    for a in applications.distinct():
        agg = scoring.aggregate_dossier(a.pk, by_application.get(a.pk, []), stats, threshold=threshold)
        rows.append(RankingRow(a, agg, consensus=consensus.get(a.pk)))
    rows.sort(key=ranking_key)
    rank = 0
    for row in rows:
        if row.aggregate.count:
            rank += 1
            row.rank = rank
    return Ranking(rows=rows, stats=stats, threshold=threshold)


@dataclass
class Standing:
    aggregate: scoring.DossierAggregate | None
    rank: int | None
    stats: scoring.WaveStatistics


def dossier_standing(application: Application) -> Standing:
    """Where `application` stands in its wave's ranking (the same aggregate and rank as the
    ranking page), from the wave's standing shared through the cache (`reviews/standing.py`):
    the dossier page does not rank the wave again to show one rank."""
    standing = wave_standing(application.wave_id)
    aggregate = standing.aggregates.get(application.pk)
    if aggregate is None:
        return Standing(None, None, standing.stats)
    return Standing(aggregate, standing.rank_of(application.pk), standing.stats)


def grids_list() -> QuerySet[Grid]:
    return (
        Grid.objects.select_related("action")
        .annotate(
            criteria_count=Count("criteria", distinct=True), reviews_count=Count("reviews", distinct=True)
        )
        .order_by("action__number", "-version")
    )


def grid_with_criteria(pk: int) -> Grid:
    try:
        return (
            Grid.objects.select_related("action")
            .prefetch_related(Prefetch("criteria", queryset=Criterion.objects.order_by("order", "id")))
            .get(pk=pk)
        )
    except Grid.DoesNotExist:
        raise Http404 from None


def published_laureates() -> QuerySet[Decision]:
    return (
        Decision.objects.filter(outcome=Decision.Outcome.SELECTED, published_at__isnull=False)
        .select_related("application__wave", "application__lead_organisation")
        .prefetch_related("application__actions", "application__partners__organisation")
        .order_by("application__wave__opens_at", "application__reference")
    )
