"""Every write to an application goes through here.

`application_transition` is the single entry point for state changes: it checks the table in
`workflow.py`, locks the row, runs the guard, saves, writes an audit event and schedules side
effects with `transaction.on_commit`.
"""

from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application, ReferenceCounter
from applications.selectors import application_editors
from applications.workflow import EDITOR, OWNER, STAFF, SYSTEM, TRANSITIONS
from cma_portal import roles
from cma_portal.audit import audit_record


class TransitionError(Exception):
    """A transition refused: the message is French, for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def actor_kinds(application: Application, user) -> set[str]:
    """What `user` is to `application`, in the vocabulary of the workflow table."""
    if user is None:
        return {SYSTEM}
    kinds: set[str] = set()
    if application.owner_id == user.pk:
        kinds |= {OWNER, EDITOR}
    elif application.collaborators.filter(user=user, accepted_at__isnull=False).exists():
        kinds.add(EDITOR)
    if roles.may(user, "screen_letters"):
        kinds.add(STAFF)
    return kinds


# Guards: each takes (application, at) and raises TransitionError with a French message.
GUARDS: dict[str, Callable[[Application, datetime], None]] = {}


def guard(name):
    def register(func):
        GUARDS[name] = func
        return func

    return register


@guard("deadline_passed")
def _deadline_passed(application: Application, at: datetime) -> None:
    if application.dossier_deadline is None or at <= application.dossier_deadline:
        raise TransitionError(_("Le délai de dépôt du dossier complet n'est pas encore passé."))


# Side effects per transition name: callables (application, actor, note, data) run on commit.
SIDE_EFFECTS: dict[str, list[Callable]] = {}


def on_transition(name):
    def register(func):
        SIDE_EFFECTS.setdefault(name, []).append(func)
        return func

    return register


@transaction.atomic
def application_transition(
    *,
    application: Application,
    name: str,
    actor,
    note: str = "",
    data: dict | None = None,
    at: datetime | None = None,
    expected_state: str | None = None,
    apply: Callable[[Application], None] | None = None,
) -> Application:
    """Apply transition `name` to `application` on behalf of `actor` (None for the system).

    Locks the row; refuses (TransitionError) when the state is not a source of the transition,
    the actor may not apply it, the note is missing where required, or the guard fails. A
    second identical request (double click, retry) finds the state already moved and is refused
    without side effects. `apply` changes fields of the locked row before it is saved.

    Side effects: an AuditEvent (verb "transition"); the callables registered with
    `on_transition(name)`, run on commit.
    """
    at = at or timezone.now()
    transition = TRANSITIONS[name]
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if expected_state is not None and locked.state != expected_state:
        raise TransitionError(_("Cette candidature a changé d'état entre-temps ; rechargez la page."))
    if locked.state not in transition.sources:
        raise TransitionError(
            _("Action impossible : la candidature est à l'état « %(state)s ».")
            % {"state": locked.get_state_display()}
        )
    if not (transition.actors & actor_kinds(locked, actor)):
        raise TransitionError(_("Vous n'avez pas le droit d'effectuer cette action."))
    if transition.requires_note and not note.strip():
        raise TransitionError(_("Un message motivé est obligatoire pour cette action."))
    if transition.guard:
        GUARDS[transition.guard](locked, at)

    from_state = locked.state
    locked.state = transition.target
    if apply is not None:
        apply(locked)
    locked.updated_at = at
    locked.version += 1
    locked.save()
    audit_record(
        actor=actor,
        verb="transition",
        obj=locked,
        from_state=from_state,
        to_state=locked.state,
        note=note,
        data={"transition": name, **(data or {})},
    )
    for effect in SIDE_EFFECTS.get(name, []):
        transaction.on_commit(lambda effect=effect: effect(locked, actor, note, data or {}))
    # Keep the caller's instance in step with the database.
    application.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked


def next_reference(*, at: datetime) -> str:
    """The next reference of the year, e.g. CMA-SN-2026-0042. Call inside a transaction."""
    from django.conf import settings

    year = timezone.localtime(at).year
    counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return f"{settings.APPLICATION_REFERENCE_PREFIX}-{year}-{counter.last_value:04d}"


# --- Letter of intent: what is missing, and the guard of `submit_letter` ------------------------


def _percent(value) -> str:
    """70 → "70", 62.5 → "62,5" (French decimal comma, no trailing zeros)."""
    return f"{value.normalize():f}".replace(".", ",")


def letter_problems(application: Application) -> list[tuple[str, str]]:
    """What stops the letter from being submitted, as (form field, French message) pairs.

    Reads the database (actions, components, documents): call it on a saved application.
    """
    from applications.models import Document

    call = application.wave.call
    problems: list[tuple[str, str]] = []
    actions = list(application.actions.all())
    components = list(application.components.all())
    if not actions:
        problems.append(("actions", _("Choisissez au moins une action.")))
    wave_action_ids = set(application.wave.actions.values_list("pk", flat=True))
    for action in actions:
        if action.pk not in wave_action_ids:
            problems.append(
                ("actions", _("L'action %(n)s n'est pas ouverte dans cette vague.") % {"n": action.number})
            )
        action_components = list(action.components.all())
        if action_components and not any(c.action_id == action.pk for c in components):
            problems.append(
                (
                    "components",
                    _("Choisissez au moins un volet de l'action %(n)s.") % {"n": action.number},
                )
            )
    action_ids = {a.pk for a in actions}
    for component in components:
        if component.action_id not in action_ids:
            problems.append(
                (
                    "components",
                    _("Le volet %(code)s n'appartient à aucune des actions choisies.")
                    % {"code": component.code},
                )
            )
    lead = application.lead_organisation
    if lead is None:
        problems.append(("lead_organisation", _("Indiquez l'établissement porteur.")))
    elif not lead.is_higher_education:
        problems.append(
            (
                "lead_organisation",
                _(
                    "L'établissement porteur doit être un établissement d'enseignement supérieur "
                    "(université, école d'ingénieurs ou autre établissement d'enseignement supérieur) ; "
                    "« %(name)s » est de nature « %(kind)s »."
                )
                % {"name": lead.name, "kind": lead.get_kind_display()},
            )
        )
    for field, message in (
        ("title", _("Indiquez le titre du projet.")),
        ("acronym", _("Indiquez l'acronyme du projet.")),
        ("summary", _("Rédigez le résumé du projet.")),
        ("audience", _("Décrivez les publics visés.")),
    ):
        if not (getattr(application, field) or "").strip():
            problems.append((field, message))
    total = application.estimated_total_cost
    aid = application.estimated_aid_requested
    if total is None or total <= 0:
        problems.append(("estimated_total_cost", _("Indiquez le coût total estimé du projet.")))
    if aid is None:
        problems.append(("estimated_aid_requested", _("Indiquez l'aide demandée.")))
    if total and total > 0 and aid is not None and aid * 100 > total * call.max_aid_rate:
        problems.append(
            (
                "estimated_aid_requested",
                _(
                    "L'aide demandée représente %(rate)s %% du coût total ; le maximum est de %(max)s %% "
                    "des coûts éligibles."
                )
                % {
                    "rate": f"{aid * 100 / total:.2f}".replace(".", ","),
                    "max": _percent(call.max_aid_rate),
                },
            )
        )
    duration = application.planned_duration_months
    if not duration:
        problems.append(("planned_duration_months", _("Indiquez la durée prévue du projet.")))
    elif duration > call.max_duration_months:
        problems.append(
            (
                "planned_duration_months",
                _("La durée prévue (%(d)s mois) dépasse la durée maximale de %(max)s mois.")
                % {"d": duration, "max": call.max_duration_months},
            )
        )
    if not application.people_trained_per_year:
        problems.append(
            ("people_trained_per_year", _("Indiquez le nombre estimé de personnes formées par an."))
        )
    letter = application.documents.filter(kind=Document.Kind.LETTER, is_current=True).first()
    if letter is None:
        problems.append(("letter", _("Déposez la lettre d'intention au format PDF.")))
    elif letter.page_count and letter.page_count > call.letter_page_limit:
        problems.append(
            (
                "letter",
                _("La lettre compte %(count)s pages ; la limite est de %(max)s pages.")
                % {"count": letter.page_count, "max": call.letter_page_limit},
            )
        )
    return problems


@guard("letter_submittable")
def _letter_submittable(application: Application, at: datetime) -> None:
    if not application.wave.accepts_letters(at):
        raise TransitionError(
            _(
                "La vague « %(wave)s » n'accepte plus de lettre d'intention (heure du serveur : "
                "%(at)s). Votre brouillon est conservé."
            )
            % {"wave": application.wave.name, "at": timezone.localtime(at).strftime("%d/%m/%Y %H:%M:%S")}
        )
    problems = letter_problems(application)
    if problems:
        raise TransitionError(
            _("La lettre d'intention est incomplète : %(items)s")
            % {"items": " ; ".join(str(message) for _field, message in problems)}
        )


# --- Emails sent on commit after transitions ----------------------------------------------------


def _email_context(application: Application) -> dict:
    from django.conf import settings

    return {
        "reference": application.reference or "",
        "title": application.title,
        "acronym": application.acronym,
        "wave": str(application.wave.name),
        "url": f"{settings.SITE_URL}{application.get_absolute_url()}",
    }


@on_transition("submit_letter")
def _email_letter_submitted(application, actor, note, data):
    from cma_portal.emails import queue_email

    submission = application.submissions.filter(kind="letter").order_by("-submitted_at", "-id").first()
    context = _email_context(application)
    if submission is not None:
        from django.conf import settings
        from django.urls import reverse

        context["submitted_at"] = timezone.localtime(submission.submitted_at).strftime("%d/%m/%Y %H:%M:%S")
        context["receipt_url"] = settings.SITE_URL + reverse(
            "applications:receipt", args=[application.pk, submission.pk]
        )
    queue_email(recipients=application_editors(application), template="letter_submitted", context=context)


@on_transition("withdraw")
def _email_withdrawn(application, actor, note, data):
    from cma_portal.emails import queue_email

    context = {**_email_context(application), "by": str(actor) if actor else ""}
    queue_email(recipients=application_editors(application), template="withdrawn", context=context)
