"""What the programme managers' lists show beside the selectors' rows, computed for the rows of
one page: alerts of the selection list, status of the ranking, labels translated once per
request (not once per row), and the waves and actions read once for every form of a page."""

from django.conf import settings

from actions.models import Action
from applications.states import State
from cma_portal.choices import preload_choices
from reviews.models import Decision
from waves.models import Wave


def decorate_selection_rows(rows) -> None:
    """Spread, disagreement, reassignment alert and state label of each dossier row."""
    threshold = settings.REVIEW_DISAGREEMENT_THRESHOLD
    states = {value: str(label) for value, label in State.choices}
    for row in rows:
        spread = (row.score_max - row.score_min) if row.score_max is not None else None
        row.spread = spread
        row.disagreement = bool(spread is not None and row.reviews_submitted > 1 and spread > threshold)
        # A conflict sends the dossier back to the programme manager until it has its reviewers.
        row.needs_reassignment = row.has_conflict and row.reviewers_active < settings.REVIEWS_PER_DOSSIER
        row.state_label = states.get(row.state, row.state)


def decorate_ranking_rows(rows) -> None:
    """The decision of each ranked dossier, or its state before any decision."""
    states = {value: str(label) for value, label in State.choices}
    outcomes = {value: str(label) for value, label in Decision.Outcome.choices}
    for row in rows:
        application = row.application
        decision = getattr(application, "decision", None)
        row.status_label = (
            outcomes.get(decision.outcome, decision.outcome)
            if decision
            else states.get(application.state, application.state)
        )


def waves_and_actions() -> tuple[list[Wave], list[Action]]:
    return list(Wave.objects.order_by("-opens_at")), list(Action.objects.all())


def share_choices(forms, waves, actions) -> None:
    """Fill the wave and action fields of `forms` from the lists already read."""
    for form in forms:
        if "wave" in form.fields:
            preload_choices(form.fields["wave"], waves)
        if "action" in form.fields:
            preload_choices(form.fields["action"], actions)
