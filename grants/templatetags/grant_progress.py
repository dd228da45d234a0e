"""The public laureates page (reviews' template) shows each project's progress without the
reviews app importing grants: the template loads this library, which annotates the decisions
it lists in one query."""

from django import template
from django.db.models import Q, Sum

from grants.models import Agreement, Report

register = template.Library()


@register.simple_tag
def annotate_grant_progress(decisions) -> str:
    """Set `grant_state` and `people_trained_to_date` on each decision's application."""
    applications = [d.application for d in decisions]
    rows = {
        row["application_id"]: row
        for row in Agreement.objects.filter(application__in=[a.pk for a in applications])
        .values("application_id", "state")
        .annotate(
            people=Sum("reports__training__people_trained", filter=Q(reports__state=Report.State.ACCEPTED))
        )
    }
    labels = dict(Agreement.State.choices)
    for application in applications:
        row = rows.get(application.pk)
        application.grant_state = labels.get(row["state"]) if row else None
        application.people_trained_to_date = (row["people"] or 0) if row else 0
    return ""
