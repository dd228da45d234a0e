"""Review data for the benchmark applications of `applications.demo_bulk`, in bulk: one reviewer
per 100 applications (covering every action), three accepted assignments per dossier under
review or decided, each with a submitted review and its scores, and a decision on each decided
dossier (and, through `reviews.demo_consensus`, a validated consensus). The demo reviewer takes one of the three places on every other dossier, so that their
queue is long. Idempotent: dossiers that already have assignments are left alone."""

import random
from datetime import timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from actions.models import Action
from applications.demo_bulk import PREFIX
from applications.models import Application
from applications.states import State
from cma_portal import roles
from reviews import scoring
from reviews.demo_consensus import seed_bulk_consensus
from reviews.models import Assignment, Decision, Grid, Review, ReviewerProfile, Score

APPLICATIONS_PER_REVIEWER = 100
REVIEWS_PER_DOSSIER = 3
BATCH = 1000
DECIDED = (State.SELECTED, State.WAITLISTED, State.NOT_SELECTED)
RECOMMENDATIONS = [value for value, _label in Review.Recommendation.choices]


def _reviewers(count: int, demo_reviewer) -> list:
    from django.contrib.auth.hashers import make_password

    from cma_portal.models import User

    existing = set(User.objects.filter(email__startswith="banc-eval-").values_list("email", flat=True))
    unusable = make_password(None)
    User.objects.bulk_create(
        [
            User(email=email, first_name="Évaluateur", last_name=f"Banc {index:03d}", password=unusable)
            for index in range(count)
            if (email := f"banc-eval-{index:03d}@demo.cma.fr") not in existing
        ],
        batch_size=BATCH,
    )
    reviewers = list(User.objects.filter(email__startswith="banc-eval-").order_by("email"))[:count]
    group, _ = Group.objects.get_or_create(name=roles.REVIEWER)
    group.user_set.add(*reviewers)
    ReviewerProfile.objects.bulk_create(
        [ReviewerProfile(user=u) for u in reviewers], ignore_conflicts=True, batch_size=BATCH
    )
    through = ReviewerProfile.actions.through
    profiles = ReviewerProfile.objects.filter(user__in=reviewers).values_list("pk", flat=True)
    through.objects.bulk_create(
        [
            through(reviewerprofile_id=p, action_id=a)
            for p in profiles
            for a in Action.objects.values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
        batch_size=BATCH,
    )
    return reviewers


def seed_bulk_reviews(*, count: int, demo_reviewer, manager, now=None) -> int:
    """Reviews for the benchmark dossiers; returns the number of assignments added."""
    now = now or timezone.now()
    reviewers = _reviewers(max(REVIEWS_PER_DOSSIER, count // APPLICATIONS_PER_REVIEWER), demo_reviewer)
    dossiers = list(
        Application.objects.filter(
            acronym__startswith=PREFIX, state__in=(State.UNDER_REVIEW, *DECIDED), review_assignments=None
        )
        .order_by("id")
        .values_list("pk", "state", "aid_granted", "dossier_submitted_at")
    )
    if not dossiers:
        return 0
    grid = Grid.objects.current().filter(action=None).prefetch_related("criteria").first()
    criteria = list(grid.criteria.all())
    rng = random.Random(11)  # noqa: S311 — reproducible demo figures, not secrets
    assignments = []
    for position, (pk, _state, _aid, submitted_at) in enumerate(dossiers):
        chosen = rng.sample(reviewers, REVIEWS_PER_DOSSIER)
        if demo_reviewer is not None and position % 2 == 0 and demo_reviewer not in chosen:
            chosen[0] = demo_reviewer
        assigned_at = (submitted_at or now) + timedelta(days=2)
        for reviewer in chosen:
            assignments.append(
                Assignment(
                    application_id=pk,
                    reviewer=reviewer,
                    state=Assignment.State.ACCEPTED,
                    due_at=assigned_at + timedelta(days=21),
                    assigned_at=assigned_at,
                    assigned_by=manager,
                    automatic=True,
                    declared_at=assigned_at + timedelta(days=1),
                )
            )
    assignments = Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    # A reviewer's severity shows in their scores: each has a personal offset.
    severity = {r.pk: rng.choice((-2, -1, 0, 0, 1)) for r in reviewers}
    reviews, values = [], []
    for assignment in assignments:
        base = rng.randrange(1, 6)
        scores = [
            max(0, min(c.scale_max, base + severity.get(assignment.reviewer_id, 0) + rng.randrange(-1, 2)))
            for c in criteria
        ]
        values.append(scores)
        reviews.append(
            Review(
                assignment=assignment,
                grid=grid,
                state=Review.State.SUBMITTED,
                overall_opinion="Avis de banc d'essai : consortium solide, budget à préciser.",
                recommendation=rng.choice(RECOMMENDATIONS),
                weighted_score=scoring.weighted_score(
                    (c.weight, v, c.scale_max) for c, v in zip(criteria, scores, strict=True)
                ),
                created_at=assignment.declared_at,
                updated_at=assignment.declared_at + timedelta(days=5),
                submitted_at=assignment.declared_at + timedelta(days=5),
            )
        )
    reviews = Review.objects.bulk_create(reviews, batch_size=BATCH)
    Score.objects.bulk_create(
        [
            Score(review=review, criterion=criterion, value=value, comment="")
            for review, scores in zip(reviews, values, strict=True)
            for criterion, value in zip(criteria, scores, strict=True)
        ],
        batch_size=BATCH * 5,
    )
    Decision.objects.bulk_create(
        [
            Decision(
                application_id=pk,
                outcome=state,
                aid_granted=aid if state == State.SELECTED else None,
                rationale="Décision du comité de sélection (banc d'essai).",
                decided_by=manager,
                decided_at=now - timedelta(days=3),
                published_at=now - timedelta(days=1) if state == State.SELECTED else None,
            )
            for pk, state, aid, _submitted in dossiers
            if state in DECIDED
        ],
        ignore_conflicts=True,
        batch_size=BATCH,
    )
    # Each reviewed dossier gets its validated consensus, each decided one its released summary.
    seed_bulk_consensus(demo_reviewer=demo_reviewer, manager=manager, now=now)
    return len(assignments)
