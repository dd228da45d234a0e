"""Assignments: asking reviewers, automatically or by hand; declarations of interests; withdrawal."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from applications.services.transitions import application_apply_transition
from applications.states import State
from cma_portal import roles
from cma_portal.audit import audit_record
from reviews import effects
from reviews.errors import ReviewError
from reviews.models import Assignment, Review, ReviewerProfile
from reviews.selectors import REVIEWABLE_STATES, conflicted_reviewer_ids, is_member_conflict
from reviews.services.transitions import review_side_transition
from reviews.workflow import ASSIGNMENT_TRANSITIONS


def default_due_at(now: datetime | None = None) -> datetime:
    now = timezone.localtime(now or timezone.now())
    day = (now + timedelta(days=settings.REVIEW_DUE_DAYS)).date()
    return timezone.make_aware(datetime.combine(day, datetime.max.time().replace(microsecond=0)))


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
        application_apply_transition(
            application=application,
            name="start_review",
            actor=actor,
            note=_("Évaluateur·rice désigné·e"),
            expected_state=State.DOSSIER_SUBMITTED,
        )
    effects.email_review_assigned(assignment, actor, "", {})
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
    conflict_reason = reason or _("Membre de l'établissement porteur ou d'un partenaire du consortium.")

    def record(locked: Assignment) -> None:
        locked.declared_at = timezone.now()
        if conflict or automatic:
            locked.conflict_automatic = automatic and not conflict
            locked.conflict_reason = conflict_reason

    assignment = review_side_transition(
        obj=assignment,
        transition=ASSIGNMENT_TRANSITIONS[
            "declare_conflict" if conflict or automatic else "declare_no_conflict"
        ],
        actor=actor,
        verb="interests_declared",
        note=conflict_reason if conflict or automatic else "",
        apply=record,
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
    assignment = review_side_transition(
        obj=assignment,
        transition=ASSIGNMENT_TRANSITIONS["withdraw"],
        actor=actor,
        verb="assignment_withdrawn",
    )
    return assignment
