"""What the applicant sees of the committee's final decision: the outcome, the amount granted,
the conditions or reasons, what the outcome means, and the decision letter to download."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from applications.states import State

DECIDED_STATES = (State.SELECTED, State.WAITLISTED, State.NOT_SELECTED)

MEANING = {
    State.SELECTED: _(
        "Votre projet est lauréat. La convention de financement vous sera adressée pour signature ; "
        "l'aide est versée selon son échéancier, à la signature puis sur rapports annuels acceptés."
    ),
    State.WAITLISTED: _(
        "Votre projet est sur liste complémentaire : il n'est pas financé à ce stade, mais pourra "
        "l'être si des crédits se libèrent (désistement d'un lauréat, enveloppe complémentaire). "
        "L'équipe du programme vous écrira dès qu'une décision sera prise ; vous n'avez rien à faire."
    ),
    State.NOT_SELECTED: _(
        "Votre projet n'est pas retenu. Les motifs ci-dessous peuvent vous aider à préparer une "
        "nouvelle lettre d'intention : l'appel reste ouvert au fil de l'eau."
    ),
}

REASONS_HEADING = {
    State.SELECTED: _("Conditions et recommandations"),
    State.WAITLISTED: _("Motifs"),
    State.NOT_SELECTED: _("Motifs du refus"),
}


@dataclass
class DecisionPanel:
    application: Application
    outcome: str
    label: str
    amount: Decimal | None
    reasons: str
    reasons_heading: str
    meaning: str
    decided_at: datetime | None
    letter_url: str


def _panel(application: Application) -> DecisionPanel | None:
    if application.state not in DECIDED_STATES:
        return None
    try:
        decision = application.decision
    except ObjectDoesNotExist:
        decision = None
    state = State(application.state)
    return DecisionPanel(
        application=application,
        outcome=application.state,
        label=state.label,
        amount=(decision.aid_granted if decision else application.aid_granted)
        if state == State.SELECTED
        else None,
        reasons=(decision.rationale if decision else "") or application.decision_note,
        reasons_heading=str(REASONS_HEADING[state]),
        meaning=str(MEANING[state]),
        decided_at=decision.decided_at if decision else None,
        letter_url=reverse("laureates:letter", args=[decision.pk]) if decision else "",
    )


def decision_panel(application: Application) -> DecisionPanel | None:
    """The panel for one application, None while no final decision is recorded."""
    return _panel(application)


def decision_panels(applications) -> list[DecisionPanel]:
    """Panels for the decided applications among `applications`, in one query."""
    ids = [a.pk for a in applications if a.state in DECIDED_STATES]
    if not ids:
        return []
    decided = Application.objects.filter(pk__in=ids).select_related("decision").order_by("-updated_at", "-id")
    return [panel for panel in map(_panel, decided) if panel is not None]
