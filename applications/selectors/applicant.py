"""Reads for the applicant's pages: dashboard rows, organisations, histories."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application, Collaborator, Organisation
from applications.states import State
from cma_portal import roles
from cma_portal.audit import audit_events_for

NEXT_STEP = {
    State.LI_DRAFT: _("Compléter et déposer la lettre d'intention"),
    State.LI_SUBMITTED: _("Attendre la décision GO / NO GO"),
    State.LI_REJECTED: _("Consulter les motifs ; une nouvelle lettre peut être déposée plus tard"),
    State.DOSSIER_DRAFT: _("Compléter et déposer le dossier complet"),
    State.DOSSIER_SUBMITTED: _("Attendre l'évaluation du dossier"),
    State.DOSSIER_EXPIRED: _("Aucune : le délai de dépôt est passé"),
    State.UNDER_REVIEW: _("Attendre la décision finale"),
    State.SELECTED: _("Projet lauréat : suivre les messages de l'équipe"),
    State.WAITLISTED: _("Attendre une éventuelle place de lauréat"),
    State.NOT_SELECTED: _("Aucune"),
    State.WITHDRAWN: _("Aucune"),
}

# What to do once the deadline of the current step has passed.
PASSED_STEP = {
    State.LI_DRAFT: _("La vague est close : déplacez ce brouillon vers une vague ouverte pour le déposer"),
    State.DOSSIER_DRAFT: _("Le délai de dépôt est passé ; contactez l'équipe du programme"),
}

# Audit verbs staff keep to themselves (private annotations, reviewer assignments…): any verb
# starting with "staff_" or "review" is hidden from applicants.
PRIVATE_VERB_PREFIXES = ("staff_", "review", "reviewer_", "assignment")


@dataclass
class DashboardRow:
    application: Application
    deadline: datetime | None
    deadline_label: str
    days_left: int | None
    next_step: str
    is_owner: bool


def applicant_applications(user) -> QuerySet[Application]:
    """Applications `user` owns or co-edits (accepted), whatever their role."""
    return (
        Application.objects.filter(
            Q(owner=user)
            | Q(
                pk__in=Collaborator.objects.filter(user=user, accepted_at__isnull=False).values("application")
            )
        )
        .select_related("wave__call", "lead_organisation", "owner")
        .order_by("-updated_at", "-id")
    )


def _deadline(application: Application) -> tuple[datetime | None, str]:
    if application.state == State.LI_DRAFT:
        return application.wave.effective_closes_at(), str(_("Clôture de la vague"))
    if application.state == State.DOSSIER_DRAFT:
        return application.dossier_deadline, str(_("Date limite du dossier complet"))
    return None, ""


def dashboard_rows(user, *, now: datetime | None = None, applications=None) -> list[DashboardRow]:
    """One row per application of `applications` (by default all of `user`'s; the dashboard
    passes one page of them). Labels are translated once, not once per row."""
    now = now or timezone.now()
    if applications is None:
        applications = applicant_applications(user)
    states = {value: str(label) for value, label in State.choices}
    steps = {state: str(step) for state, step in NEXT_STEP.items()}
    rows = []
    for application in applications:
        application.state_label = states.get(application.state, application.state)
        deadline, label = _deadline(application)
        days_left = None
        next_step = steps.get(application.state, "")
        if deadline is not None:
            days_left = (timezone.localtime(deadline).date() - timezone.localtime(now).date()).days
            if deadline <= now:
                # Passed earlier today is passed, not "0 days left".
                days_left = min(days_left, -1)
                next_step = str(PASSED_STEP.get(application.state, next_step))
        rows.append(
            DashboardRow(
                application=application,
                deadline=deadline,
                deadline_label=label,
                days_left=days_left,
                next_step=next_step,
                is_owner=application.owner_id == user.pk,
            )
        )
    return rows


def pending_invitations(user) -> QuerySet[Collaborator]:
    from applications.services.people import user_emails

    return Collaborator.objects.filter(email__in=user_emails(user), accepted_at__isnull=True).select_related(
        "application", "invited_by"
    )


def organisations_of(user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user).order_by("name")


def get_organisation_for(user, pk: int) -> Organisation:
    """The organisation if `user` is a member (or staff); 404 otherwise."""
    qs = Organisation.objects.all()
    if not roles.may(user, "screen_letters"):
        qs = qs.filter(memberships__user=user)
    organisation = qs.filter(pk=pk).first()
    if organisation is None:
        raise Http404
    return organisation


def organisation_applications(user, organisation: Organisation) -> QuerySet[Application]:
    """Applications of `organisation` (as lead or partner) that `user` may open."""
    from applications.selectors.access import applications_visible_to

    return (
        applications_visible_to(user)
        .filter(Q(lead_organisation=organisation) | Q(partners__organisation=organisation))
        .select_related("wave", "lead_organisation")
        .distinct()
        .order_by("-created_at")
    )


def application_history(application: Application, *, for_staff: bool):
    from applications.selectors.history import described

    events = audit_events_for(application).order_by("created_at", "id")
    if for_staff:
        return described(events)
    return described(e for e in events if not e.verb.startswith(PRIVATE_VERB_PREFIXES))
