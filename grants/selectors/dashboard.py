"""The programme measured on what laureates really did: people trained to date from accepted
reports beside the planned figures and the national target (per action, per year, trajectory
to the target year), money committed and paid against the envelope, reports late. A fixed
number of grouped queries whatever the number of laureates."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum

from applications.models import TrainingTarget
from applications.states import State
from grants.models import Agreement, Instalment, Report, ReportTraining

ZERO = Decimal("0")


@dataclass
class Outcomes:
    trained_to_date: int = 0
    planned_total: int = 0
    target: int | None = None
    target_year: int | None = None
    by_action: list = field(default_factory=list)  # {"action", "trained", "planned"}
    trajectory: list = field(
        default_factory=list
    )  # {"year", "trained", "planned", "trained_cum", "planned_cum"}
    committed: Decimal = ZERO
    paid: Decimal = ZERO
    envelope: Decimal | None = None
    reports_late: int = 0
    agreements_by_state: dict = field(default_factory=dict)
    money_by_wave: list = field(default_factory=list)  # {"wave", "committed", "paid"}
    money_by_action: list = field(default_factory=list)  # {"action", "committed", "paid"}


ACCEPTED = Q(report__state=Report.State.ACCEPTED)


def programme_outcomes(*, call, today: date) -> Outcomes:
    out = Outcomes(
        target=call.national_target_people_trained if call else None,
        target_year=call.target_year if call else None,
        envelope=call.budget_envelope if call else None,
    )
    accepted = ReportTraining.objects.filter(report__state=Report.State.ACCEPTED)
    out.trained_to_date = accepted.aggregate(n=Sum("people_trained"))["n"] or 0
    planned = TrainingTarget.objects.filter(application__state=State.SELECTED)
    out.planned_total = planned.aggregate(n=Sum("people_trained"))["n"] or 0

    trained_by_action = dict(
        accepted.values_list("report__agreement__application__actions__number").annotate(
            n=Sum("people_trained")
        )
    )
    planned_by_action = dict(
        planned.values_list("application__actions__number").annotate(n=Sum("people_trained"))
    )
    out.by_action = [
        {
            "action": number,
            "trained": trained_by_action.get(number, 0),
            "planned": planned_by_action.get(number, 0),
        }
        for number in sorted(set(trained_by_action) | set(planned_by_action), key=lambda n: (n is None, n))
    ]

    # Per calendar year: a report counts in the year its period ends.
    trained_by_year = dict(accepted.values_list("report__period_end__year").annotate(n=Sum("people_trained")))
    planned_by_year = dict(planned.values_list("year").annotate(n=Sum("people_trained")))
    years = set(trained_by_year) | set(planned_by_year)
    if years:
        last = max(max(years), out.target_year or 0)
        trained_cum = planned_cum = 0
        for year in range(min(years), last + 1):
            trained_cum += trained_by_year.get(year, 0)
            planned_cum += planned_by_year.get(year, 0)
            out.trajectory.append(
                {
                    "year": year,
                    "trained": trained_by_year.get(year, 0),
                    "planned": planned_by_year.get(year, 0),
                    "trained_cum": trained_cum,
                    "planned_cum": planned_cum,
                }
            )

    out.committed = (
        Agreement.objects.filter(state__in=Agreement.IN_FORCE).aggregate(n=Sum("amount_granted"))["n"] or ZERO
    )
    out.paid = Instalment.objects.filter(state=Instalment.State.PAID).aggregate(n=Sum("amount"))["n"] or ZERO
    out.reports_late = Report.objects.filter(
        state__in=Report.EDITABLE,
        due_date__lt=today,
        agreement__state__in=(Agreement.State.SIGNED, Agreement.State.RUNNING),
    ).count()
    out.agreements_by_state = dict(Agreement.objects.values_list("state").annotate(n=Count("id")))
    out.money_by_wave = _money_by("application__wave__name_fr")
    out.money_by_action = _money_by("application__actions__number")
    return out


def _money_by(key: str) -> list[dict]:
    """Committed and paid grouped by `key` (two grouped queries; an agreement whose
    application answers two actions counts in each action)."""
    committed = dict(
        Agreement.objects.filter(state__in=Agreement.IN_FORCE)
        .values_list(key)
        .annotate(n=Sum("amount_granted"))
    )
    paid = dict(
        Instalment.objects.filter(state=Instalment.State.PAID)
        .values_list(f"agreement__{key}")
        .annotate(n=Sum("amount"))
    )
    return [
        {"key": k, "committed": committed.get(k, ZERO), "paid": paid.get(k, ZERO)}
        for k in sorted(set(committed) | set(paid), key=lambda v: (v is None, str(v)))
    ]
