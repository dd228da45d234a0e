"""The application's life, as one declarative table.

Each `Transition` names where it may start, where it ends, who may apply it, the guard that
must hold and the effects it causes — by reference, so that "go to definition" on a row leads
to every check, email, message and task it involves. `services.transitions.application_apply_transition`
is the only code that applies a row. The decisions after review (select, waitlist, reject) are
rows of `reviews.workflow`, applied by the same service.

    li_draft ─submit─▶ li_submitted ─GO─▶ dossier_draft ─submit─▶ dossier_submitted ─▶ under_review
        ▲                 │  │                   │                                        │
        └── correction ◀──┘  └─NO GO─▶ li_rejected   └─deadline passed─▶ dossier_expired   ├─▶ selected
    any open state ─withdraw─▶ withdrawn                                                  ├─▶ waitlisted
                                                                                          └─▶ not_selected
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from applications import effects, guards
from applications.states import State

# Who may apply a transition. "owner" is the application's owner; "editor" the owner or a
# co-editor; "staff" a programme manager or administrator; "system" a periodic task.
OWNER = "owner"
EDITOR = "editor"
STAFF = "staff"
SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    actors: frozenset[str]
    guard: Callable | None = None  # guard(application, at) raises TransitionError
    effects: tuple[Callable, ...] = ()  # effect(application, actor, note, data), in order
    label: str = ""
    requires_note: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "submit_letter",
            (State.LI_DRAFT,),
            State.LI_SUBMITTED,
            frozenset({EDITOR}),
            guard=guards.letter_submittable,
            effects=(effects.email_letter_submitted, effects.render_letter_receipt),
            label=_("Déposer la lettre d'intention"),
        ),
        Transition(
            "request_correction",
            (State.LI_SUBMITTED,),
            State.LI_DRAFT,
            frozenset({STAFF}),
            effects=(effects.post_correction_message, effects.email_correction_requested),
            label=_("Demander une correction"),
            requires_note=True,
        ),
        Transition(
            "go",
            (State.LI_SUBMITTED,),
            State.DOSSIER_DRAFT,
            frozenset({STAFF}),
            effects=(effects.post_go_message, effects.email_go_decided),
            label=_("Enregistrer un GO"),
        ),
        Transition(
            "no_go",
            (State.LI_SUBMITTED,),
            State.LI_REJECTED,
            frozenset({STAFF}),
            effects=(effects.post_no_go_message, effects.email_no_go_decided),
            label=_("Enregistrer un NO GO"),
            requires_note=True,
        ),
        Transition(
            "submit_dossier",
            (State.DOSSIER_DRAFT,),
            State.DOSSIER_SUBMITTED,
            frozenset({EDITOR}),
            guard=guards.dossier_submittable,
            effects=(effects.email_dossier_submitted, effects.render_dossier_pdf),
            label=_("Déposer le dossier complet"),
        ),
        Transition(
            "expire",
            (State.DOSSIER_DRAFT,),
            State.DOSSIER_EXPIRED,
            frozenset({SYSTEM}),
            guard=guards.deadline_passed,
            effects=(effects.email_expired,),
            label=_("Constater l'expiration du délai"),
        ),
        Transition(
            "start_review",
            (State.DOSSIER_SUBMITTED,),
            State.UNDER_REVIEW,
            frozenset({STAFF, SYSTEM}),
            label=_("Mettre en évaluation"),
        ),
        Transition(
            "withdraw",
            State.open_states(),
            State.WITHDRAWN,
            frozenset({OWNER}),
            effects=(effects.email_withdrawn,),
            label=_("Retirer la candidature"),
        ),
    )
}


def available_transitions(state: str, actor_kinds: set[str]) -> list[Transition]:
    """The rows of this table that `actor_kinds` may apply from `state` (staff pages offer
    their buttons from it)."""
    return [t for t in TRANSITIONS.values() if state in t.sources and t.actors & actor_kinds]
