"""Every write of the review app: grids, reviewer profiles, assignments, conflicts of
interest, reviews and decisions. Each function is atomic, audited and sends its emails on
commit (`queue_email`). Decisions change the application's state only through
`applications.services.application_transition`."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from applications.selectors import application_editors
from applications.services import TransitionError, application_transition
from applications.workflow import State
from cma_portal import roles
from cma_portal.audit import audit_record
from cma_portal.emails import queue_email
from cma_portal.formats import number as format_number

from . import scoring
from .models import Assignment, Criterion, Decision, Grid, Review, ReviewerProfile, Score
from .selectors import REVIEWABLE_STATES, conflicted_reviewer_ids, current_grid_for, is_member_conflict


class ReviewError(Exception):
    """A refused operation; the message is French, for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


# ---------------------------------------------------------------- reviewer profiles


@transaction.atomic
def reviewer_set_actions(*, user, actions: Iterable, actor) -> ReviewerProfile:
    """Set the actions `user` reviews (used by automatic assignment). Creates the profile if
    needed. Does not grant the reviewer role: `cma_portal.roles.grant_role` does.

    Side effects: an AuditEvent "reviewer_actions".
    """
    profile, _created = ReviewerProfile.objects.get_or_create(user=user)
    actions = list(actions)
    profile.actions.set(actions)
    profile.updated_at = timezone.now()
    profile.save(update_fields=["updated_at"])
    audit_record(
        actor=actor, verb="reviewer_actions", obj=profile, data={"actions": sorted(a.number for a in actions)}
    )
    return profile


# ---------------------------------------------------------------- grids


def _write_criteria(grid: Grid, criteria: list[dict]) -> None:
    grid.criteria.all().delete()
    Criterion.objects.bulk_create(
        Criterion(
            grid=grid,
            order=item.get("order") or index,
            label=item["label"],
            guidance=item.get("guidance", ""),
            weight=Decimal(item["weight"]),
            scale_max=int(item["scale_max"]),
        )
        for index, item in enumerate(criteria, start=1)
    )


@transaction.atomic
def grid_create(*, action, title: str, criteria: list[dict], actor) -> Grid:
    """A new grid for `action` (None: the default grid). If one exists it becomes an older
    version and the new one is current. Side effects: an AuditEvent "grid_created"."""
    if not criteria:
        raise ReviewError(_("Une grille doit comporter au moins un critère."))
    previous = Grid.objects.select_for_update().filter(action=action).order_by("-version").first()
    version = (previous.version + 1) if previous else 1
    Grid.objects.filter(action=action, is_current=True).update(is_current=False)
    grid = Grid.objects.create(action=action, version=version, title=title, is_current=True, created_by=actor)
    _write_criteria(grid, criteria)
    audit_record(actor=actor, verb="grid_created", obj=grid, data={"version": version})
    return grid


@transaction.atomic
def grid_update(*, grid: Grid, title: str, criteria: list[dict], actor) -> Grid:
    """Change a grid. A grid already used by a review is never changed: a new version is made
    and becomes current (reviews keep the version they were scored with). Returns the grid
    that now holds the edit. Side effects: an AuditEvent "grid_updated" or "grid_created"."""
    if not criteria:
        raise ReviewError(_("Une grille doit comporter au moins un critère."))
    grid = Grid.objects.select_for_update().get(pk=grid.pk)
    if not grid.is_current:
        raise ReviewError(_("Seule la version en vigueur d'une grille peut être modifiée."))
    if grid.reviews.exists():
        return grid_create(action=grid.action, title=title, criteria=criteria, actor=actor)
    grid.title = title
    grid.save(update_fields=["title"])
    _write_criteria(grid, criteria)
    audit_record(actor=actor, verb="grid_updated", obj=grid, data={"version": grid.version})
    return grid


# ---------------------------------------------------------------- assignments


def default_due_at(now: datetime | None = None) -> datetime:
    now = timezone.localtime(now or timezone.now())
    day = (now + timedelta(days=settings.REVIEW_DUE_DAYS)).date()
    return timezone.make_aware(datetime.combine(day, datetime.max.time().replace(microsecond=0)))


def _notify_assignment(assignment: Assignment) -> None:
    application = assignment.application
    queue_email(
        recipients=[assignment.reviewer],
        template="review_assigned",
        context={
            "title": application.title,
            "reference": application.reference or "",
            "due_at": timezone.localtime(assignment.due_at).strftime("%d/%m/%Y %H:%M"),
            "url": settings.SITE_URL + reverse("evaluation:assignment", args=[assignment.pk]),
        },
    )


@transaction.atomic
def assignment_create(
    *, application: Application, reviewer, due_at: datetime, actor, automatic: bool = False
) -> Assignment:
    """Ask `reviewer` to review `application` by `due_at`.

    Refused when the user is not a reviewer, the dossier is not under review, the reviewer was
    already asked (even if they declared a conflict) or belongs to the lead or a partner
    organisation. A submitted dossier moves to "under review" (`start_review`).

    Side effects: an AuditEvent "assigned"; the transition's own; email "review_assigned" to the
    reviewer.
    """
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not roles.has_role(reviewer, roles.REVIEWER):
        raise ReviewError(_("Cette personne n'a pas le rôle d'évaluateur·rice."))
    if application.state not in REVIEWABLE_STATES:
        raise ReviewError(
            _("Ce dossier ne peut pas être évalué : il est à l'état « %(state)s ».")
            % {"state": application.get_state_display()}
        )
    if due_at <= timezone.now():
        raise ReviewError(_("La date limite de l'évaluation doit être dans le futur."))
    if Assignment.objects.filter(application=application, reviewer=reviewer).exists():
        raise ReviewError(_("Cette personne est déjà sollicitée pour ce dossier."))
    if is_member_conflict(reviewer, application):
        raise ReviewError(
            _(
                "Conflit d'intérêts : cette personne est membre de l'établissement porteur ou d'un partenaire du consortium."
            )
        )
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                application=application,
                reviewer=reviewer,
                due_at=due_at,
                assigned_by=actor,
                automatic=automatic,
            )
    except IntegrityError:
        raise ReviewError(_("Cette personne est déjà sollicitée pour ce dossier.")) from None
    audit_record(
        actor=actor,
        verb="assigned",
        obj=assignment,
        data={"application": application.pk, "reviewer": reviewer.pk, "automatic": automatic},
    )
    if application.state == State.DOSSIER_SUBMITTED:
        application_transition(
            application=application,
            name="start_review",
            actor=actor,
            note=_("Évaluateur·rice désigné·e"),
            expected_state=State.DOSSIER_SUBMITTED,
        )
    _notify_assignment(assignment)
    return assignment


def _wave_loads(wave_ids: set[int]) -> dict[int, int]:
    rows = (
        Assignment.objects.filter(application__wave_id__in=wave_ids, state__in=Assignment.ACTIVE_STATES)
        .values("reviewer")
        .annotate(n=Count("pk"))
    )
    return {row["reviewer"]: row["n"] for row in rows}


@transaction.atomic
def assignments_auto(
    *,
    applications: Iterable[Application],
    actor,
    per_dossier: int | None = None,
    due_at: datetime | None = None,
) -> tuple[list[Assignment], list[Application]]:
    """Give each dossier up to `per_dossier` active reviewers (default REVIEWS_PER_DOSSIER).

    Candidates are reviewers who cover one of the dossier's actions, were never asked for it
    (a declared conflict stays a conflict) and do not belong to its organisations. Among them
    the least loaded (active assignments in the dossier's wave, counting those made in this
    run) come first; ties go to the lowest user id, so the result is reproducible.

    Returns (assignments made, dossiers still short of reviewers). Side effects: those of
    `assignment_create` for each assignment.
    """
    per_dossier = per_dossier or settings.REVIEWS_PER_DOSSIER
    due_at = due_at or default_due_at()
    applications = list(
        Application.objects.filter(pk__in=[a.pk for a in applications], state__in=REVIEWABLE_STATES)
        .prefetch_related("actions")
        .order_by("reference", "id")
    )
    loads = defaultdict(int, _wave_loads({a.wave_id for a in applications}))
    profiles = list(
        ReviewerProfile.objects.filter(user__groups__name=roles.REVIEWER, user__is_active=True)
        .select_related("user")
        .prefetch_related("actions")
        .distinct()
    )
    made: list[Assignment] = []
    short: list[Application] = []
    for application in applications:
        existing = list(
            Assignment.objects.filter(application=application).values_list("reviewer_id", "state")
        )
        active = sum(1 for _r, state in existing if state in Assignment.ACTIVE_STATES)
        asked = {reviewer_id for reviewer_id, _s in existing}
        excluded = asked | conflicted_reviewer_ids(application)
        action_ids = {a.pk for a in application.actions.all()}
        candidates = [
            p.user
            for p in profiles
            if p.user_id not in excluded and action_ids & {a.pk for a in p.actions.all()}
        ]
        candidates.sort(key=lambda u: (loads[u.pk], u.pk))
        for user in candidates[: max(0, per_dossier - active)]:
            made.append(
                assignment_create(
                    application=application, reviewer=user, due_at=due_at, actor=actor, automatic=True
                )
            )
            loads[user.pk] += 1
            active += 1
        if active < per_dossier:
            short.append(application)
    return made, short


@transaction.atomic
def assignment_declare(*, assignment: Assignment, conflict: bool, reason: str, actor) -> Assignment:
    """The reviewer declares their interests. A member of the lead or a partner organisation is
    in conflict whatever they declare. A conflicted assignment goes back to the programme
    managers (flagged in their list) and the reviewer no longer sees the dossier.

    Side effects: an AuditEvent "interests_declared".
    """
    assignment = Assignment.objects.select_for_update().select_related("application").get(pk=assignment.pk)
    if actor is None or assignment.reviewer_id != actor.pk:
        raise ReviewError(_("Seule la personne sollicitée peut déclarer ses intérêts."))
    if assignment.state != Assignment.State.PENDING:
        raise ReviewError(_("La déclaration d'intérêts a déjà été faite pour ce dossier."))
    reason = (reason or "").strip()
    automatic = is_member_conflict(actor, assignment.application)
    if conflict and not reason:
        raise ReviewError(_("Précisez la nature du conflit d'intérêts."))
    if conflict or automatic:
        assignment.state = Assignment.State.CONFLICTED
        assignment.conflict_automatic = automatic and not conflict
        assignment.conflict_reason = reason or _(
            "Membre de l'établissement porteur ou d'un partenaire du consortium."
        )
    else:
        assignment.state = Assignment.State.ACCEPTED
    assignment.declared_at = timezone.now()
    assignment.save(update_fields=["state", "conflict_automatic", "conflict_reason", "declared_at"])
    audit_record(
        actor=actor,
        verb="interests_declared",
        obj=assignment,
        to_state=assignment.state,
        note=assignment.conflict_reason,
    )
    return assignment


@transaction.atomic
def assignment_withdraw(*, assignment: Assignment, actor) -> Assignment:
    """A programme manager takes an assignment back (a submitted review cannot be withdrawn).
    Side effects: an AuditEvent "assignment_withdrawn"."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if Review.objects.filter(assignment=assignment, state=Review.State.SUBMITTED).exists():
        raise ReviewError(
            _("Cette évaluation a déjà été transmise : l'affectation ne peut plus être retirée.")
        )
    if assignment.state not in Assignment.ACTIVE_STATES:
        raise ReviewError(_("Cette affectation n'est plus active."))
    assignment.state = Assignment.State.WITHDRAWN
    assignment.save(update_fields=["state"])
    audit_record(actor=actor, verb="assignment_withdrawn", obj=assignment, to_state=assignment.state)
    return assignment


# ---------------------------------------------------------------- reviews


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
    verb = "review_saved"
    if submit:
        missing = [row.criterion.label for row in rows if row.value is None]
        if missing:
            raise ReviewError(
                _("Notez chaque critère avant de transmettre : %(labels)s.") % {"labels": ", ".join(missing)}
            )
        if not review.overall_opinion.strip() or not review.recommendation:
            raise ReviewError(_("L'avis global et la recommandation sont obligatoires pour transmettre."))
        review.weighted_score = scoring.weighted_score(
            (row.criterion.weight, row.value, row.criterion.scale_max) for row in rows
        )
        review.state = Review.State.SUBMITTED
        review.submitted_at = review.updated_at
        verb = "review_submitted"
    review.save()
    audit_record(
        actor=actor,
        verb=verb,
        obj=review,
        to_state=review.state,
        data={"weighted_score": str(review.weighted_score) if review.weighted_score is not None else None},
    )
    return review


# ---------------------------------------------------------------- decisions


def _notify_decision(decision: Decision) -> None:
    application = decision.application
    queue_email(
        recipients=application_editors(application),
        template="decision_notice",
        context={
            "title": application.title,
            "reference": application.reference or "",
            "outcome": decision.outcome,
            "aid_granted": format_number(decision.aid_granted, 2) if decision.aid_granted is not None else "",
            "letter_url": settings.SITE_URL + reverse("laureates:letter", args=[decision.pk]),
        },
    )


@transaction.atomic
def decision_record(
    *, application: Application, outcome: str, rationale: str, actor, aid_granted: Decimal | None = None
) -> Decision:
    """Record the committee's decision through the workflow (`select`, `waitlist`, `reject`).
    A laureate gets an aid, positive and at most the aid requested; the others none.

    Side effects: the transition's own (audit, application state, `aid_granted`,
    `decision_note`); an AuditEvent "decision"; email "decision_notice" with a link to the
    decision letter PDF to the owner and co-editors.
    """
    if outcome not in Decision.TRANSITIONS:
        raise ReviewError(_("Décision inconnue."))
    rationale = (rationale or "").strip()
    if not rationale:
        raise ReviewError(_("Les motifs de la décision sont obligatoires."))
    if outcome == Decision.Outcome.SELECTED:
        if aid_granted is None or aid_granted <= 0:
            raise ReviewError(_("Indiquez le montant de l'aide accordée à un lauréat."))
        requested = application.estimated_aid_requested
        if requested is not None and aid_granted > requested:
            raise ReviewError(
                _("L'aide accordée ne peut pas dépasser l'aide demandée (%(requested)s €).")
                % {"requested": format_number(requested, 2)}
            )
    else:
        aid_granted = None

    def apply(locked):
        locked.aid_granted = aid_granted
        locked.decision_note = rationale

    try:
        application_transition(
            application=application,
            name=Decision.TRANSITIONS[outcome],
            actor=actor,
            note=rationale,
            data={"aid_granted": str(aid_granted) if aid_granted is not None else None},
            apply=apply,
        )
    except TransitionError as error:
        raise ReviewError(error.message) from None
    decision, _created = Decision.objects.update_or_create(
        application=application,
        defaults={
            "outcome": outcome,
            "aid_granted": aid_granted,
            "rationale": rationale,
            "decided_at": timezone.now(),
            "decided_by": actor,
            "published_at": None,
        },
    )
    audit_record(actor=actor, verb="decision", obj=decision, to_state=outcome, note=rationale)
    _notify_decision(decision)
    return decision


@transaction.atomic
def decisions_record_bulk(
    *, applications: Iterable[Application], outcome: str, rationale: str, actor
) -> list[Decision]:
    """The same decision (waitlist or not selected) for several dossiers at once, from the
    ranking. Laureates are decided one by one: each has its own aid."""
    if outcome == Decision.Outcome.SELECTED:
        raise ReviewError(_("Les lauréats se désignent un par un, avec le montant de l'aide accordée."))
    return [
        decision_record(application=a, outcome=outcome, rationale=rationale, actor=actor)
        for a in applications
    ]


@transaction.atomic
def decisions_publish(*, wave, actor, at: datetime | None = None) -> int:
    """Publish the wave's laureates on /laureats/. Returns how many were published.
    Side effects: an AuditEvent "laureates_published"."""
    at = at or timezone.now()
    count = Decision.objects.filter(
        application__wave=wave,
        application__state=State.SELECTED,
        outcome=Decision.Outcome.SELECTED,
        published_at__isnull=True,
    ).update(published_at=at)
    audit_record(actor=actor, verb="laureates_published", obj=wave, data={"count": count})
    return count


def next_grid_version(action) -> int:
    return (Grid.objects.filter(action=action).aggregate(v=Max("version"))["v"] or 0) + 1
