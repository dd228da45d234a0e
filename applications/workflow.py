"""The application's life, as one declarative table.

Each `Transition` names where it may start, where it ends, who may apply it and which guard
must hold. `services.application_transition` is the only code that applies them.

    li_draft ─submit─▶ li_submitted ─GO─▶ dossier_draft ─submit─▶ dossier_submitted ─▶ under_review
        ▲                 │  │                   │                                        │
        └── correction ◀──┘  └─NO GO─▶ li_rejected   └─deadline passed─▶ dossier_expired   ├─▶ selected
    any open state ─withdraw─▶ withdrawn                                                  ├─▶ waitlisted
                                                                                          └─▶ not_selected
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    LI_DRAFT = "li_draft", _("Lettre d'intention en brouillon")
    LI_SUBMITTED = "li_submitted", _("Lettre d'intention déposée")
    LI_REJECTED = "li_rejected", _("NO GO")
    DOSSIER_DRAFT = "dossier_draft", _("Dossier complet à déposer")
    DOSSIER_SUBMITTED = "dossier_submitted", _("Dossier complet déposé")
    DOSSIER_EXPIRED = "dossier_expired", _("Dossier non déposé dans le délai")
    UNDER_REVIEW = "under_review", _("En évaluation")
    SELECTED = "selected", _("Lauréat")
    WAITLISTED = "waitlisted", _("Liste complémentaire")
    NOT_SELECTED = "not_selected", _("Non retenu")
    WITHDRAWN = "withdrawn", _("Retirée")

    @classmethod
    def open_states(cls) -> tuple[str, ...]:
        return (
            cls.LI_DRAFT,
            cls.LI_SUBMITTED,
            cls.DOSSIER_DRAFT,
            cls.DOSSIER_SUBMITTED,
            cls.UNDER_REVIEW,
            cls.WAITLISTED,
        )

    @classmethod
    def editable_by_applicant(cls) -> tuple[str, ...]:
        return (cls.LI_DRAFT, cls.DOSSIER_DRAFT)


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
    guard: str | None = None  # name of a guard in services.GUARDS
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
            guard="letter_submittable",
            label=_("Déposer la lettre d'intention"),
        ),
        Transition(
            "request_correction",
            (State.LI_SUBMITTED,),
            State.LI_DRAFT,
            frozenset({STAFF}),
            label=_("Demander une correction"),
            requires_note=True,
        ),
        Transition(
            "go",
            (State.LI_SUBMITTED,),
            State.DOSSIER_DRAFT,
            frozenset({STAFF}),
            label=_("Enregistrer un GO"),
        ),
        Transition(
            "no_go",
            (State.LI_SUBMITTED,),
            State.LI_REJECTED,
            frozenset({STAFF}),
            label=_("Enregistrer un NO GO"),
            requires_note=True,
        ),
        Transition(
            "submit_dossier",
            (State.DOSSIER_DRAFT,),
            State.DOSSIER_SUBMITTED,
            frozenset({EDITOR}),
            guard="dossier_submittable",
            label=_("Déposer le dossier complet"),
        ),
        Transition(
            "expire",
            (State.DOSSIER_DRAFT,),
            State.DOSSIER_EXPIRED,
            frozenset({SYSTEM}),
            guard="deadline_passed",
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
            "select",
            (State.UNDER_REVIEW, State.WAITLISTED),
            State.SELECTED,
            frozenset({STAFF}),
            label=_("Retenir comme lauréat"),
        ),
        Transition(
            "waitlist",
            (State.UNDER_REVIEW,),
            State.WAITLISTED,
            frozenset({STAFF}),
            label=_("Placer en liste complémentaire"),
        ),
        Transition(
            "reject",
            (State.UNDER_REVIEW, State.WAITLISTED),
            State.NOT_SELECTED,
            frozenset({STAFF}),
            label=_("Ne pas retenir"),
        ),
        Transition(
            "withdraw",
            State.open_states(),
            State.WITHDRAWN,
            frozenset({OWNER}),
            label=_("Retirer la candidature"),
        ),
    )
}


def available_transitions(state: str, actor_kinds: set[str]) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if state in t.sources and t.actors & actor_kinds]
