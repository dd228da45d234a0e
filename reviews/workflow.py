"""The review side's state tables, in the shape of `applications.workflow`.

- `DECISIONS`: the committee's outcome for an application under review (select, waitlist,
  reject), rows of the application's workflow applied by
  `applications.services.transitions.application_apply_transition`.
- `ASSIGNMENT_TRANSITIONS`: an assignment's life (interests declared, conflict, withdrawal).
- `REVIEW_TRANSITIONS`: a review's life (submitted).
- `CONSENSUS_TRANSITIONS`: a consensus's life (written by the rapporteur, validated by a
  programme manager, who may send it back); validating it initialises the evaluation summary,
  which a decision releases to the applicant (docs/evaluation.md).

Assignment and review rows are applied by `reviews.services.transitions.review_side_transition`.

    assignment: pending ─declare_no_conflict─▶ accepted
                pending ─declare_conflict─▶ conflicted
                pending / accepted ─withdraw─▶ withdrawn
    review:     draft ─submit─▶ submitted
    consensus:  draft ─submit─▶ submitted ─validate─▶ validated
                submitted ─send_back─▶ draft
"""

from django.utils.translation import gettext_lazy as _

from applications.states import State
from applications.workflow import STAFF, Transition
from reviews import effects
from reviews.models import Assignment, Consensus, Review

# The reviewer to whom the assignment belongs.
REVIEWER = "reviewer"

DECISIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "select",
            (State.UNDER_REVIEW, State.WAITLISTED),
            State.SELECTED,
            frozenset({STAFF}),
            effects=(effects.release_evaluation_summary, effects.email_decision_notice),
            label=_("Retenir comme lauréat"),
        ),
        Transition(
            "waitlist",
            (State.UNDER_REVIEW,),
            State.WAITLISTED,
            frozenset({STAFF}),
            effects=(effects.release_evaluation_summary, effects.email_decision_notice),
            label=_("Placer en liste complémentaire"),
        ),
        Transition(
            "reject",
            (State.UNDER_REVIEW, State.WAITLISTED),
            State.NOT_SELECTED,
            frozenset({STAFF}),
            effects=(effects.release_evaluation_summary, effects.email_decision_notice),
            label=_("Ne pas retenir"),
        ),
    )
}

ASSIGNMENT_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "declare_no_conflict",
            (Assignment.State.PENDING,),
            Assignment.State.ACCEPTED,
            frozenset({REVIEWER}),
        ),
        Transition(
            "declare_conflict",
            (Assignment.State.PENDING,),
            Assignment.State.CONFLICTED,
            frozenset({REVIEWER}),
        ),
        Transition(
            "withdraw",
            Assignment.ACTIVE_STATES,
            Assignment.State.WITHDRAWN,
            frozenset({STAFF}),
        ),
    )
}

REVIEW_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "submit",
            (Review.State.DRAFT,),
            Review.State.SUBMITTED,
            frozenset({REVIEWER}),
        ),
    )
}

CONSENSUS_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "submit",
            (Consensus.State.DRAFT,),
            Consensus.State.SUBMITTED,
            frozenset({REVIEWER}),
            label=_("Transmettre le consensus"),
        ),
        Transition(
            "validate",
            (Consensus.State.SUBMITTED,),
            Consensus.State.VALIDATED,
            frozenset({STAFF}),
            effects=(effects.summary_from_consensus,),
            label=_("Valider le consensus"),
        ),
        Transition(
            "send_back",
            (Consensus.State.SUBMITTED,),
            Consensus.State.DRAFT,
            frozenset({STAFF}),
            effects=(effects.email_consensus_sent_back,),
            label=_("Renvoyer au rapporteur"),
            requires_note=True,
        ),
    )
}
