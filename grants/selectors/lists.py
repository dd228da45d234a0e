"""Staff lists: agreements with their money, reports waiting for review, reports late. Each is
one query (plus the paginator's count) whatever its number of rows."""

from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from grants.models import Agreement, Instalment, Report

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


def _instalment_total(**filters):
    return Coalesce(
        Subquery(
            Instalment.objects.filter(agreement=OuterRef("pk"), **filters)
            .values("agreement")
            .annotate(total=Sum("amount"))
            .values("total")[:1],
            output_field=DecimalField(max_digits=14, decimal_places=2),
        ),
        ZERO,
    )


def agreements_list(*, state: str = "") -> QuerySet[Agreement]:
    """Every agreement, with its laureate and its paid and released totals."""
    qs = (
        Agreement.objects.select_related("application__lead_organisation", "application__wave")
        .annotate(
            paid=_instalment_total(state=Instalment.State.PAID),
            released=_instalment_total(state=Instalment.State.RELEASED),
        )
        .order_by("-created_at", "-id")
    )
    return qs.filter(state=state) if state else qs


def reports_to_review() -> QuerySet[Report]:
    return (
        Report.objects.filter(state=Report.State.SUBMITTED)
        .select_related("agreement__application__lead_organisation")
        .order_by("submitted_at", "id")
    )


def reports_overdue(*, today: date) -> QuerySet[Report]:
    """Reports past their due date that the laureate has not handed in (draft or sent back for
    correction) on agreements in force."""
    return (
        Report.objects.filter(
            Q(state=Report.State.DRAFT) | Q(state=Report.State.CORRECTION_REQUESTED),
            due_date__lt=today,
            agreement__state__in=(Agreement.State.SIGNED, Agreement.State.RUNNING),
        )
        .select_related("agreement__application__lead_organisation", "agreement__application__owner")
        .order_by("due_date", "id")
    )
