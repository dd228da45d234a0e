"""The applicant's application page (an `applications` template) shows the evaluation summary
released with the decision, next to the decision panel, without `applications` importing
`reviews`: `{% load evaluation_summary %}{% evaluation_summary_panel application %}`."""

from django import template

from reviews.selectors_consensus import released_summary_items

register = template.Library()


@register.inclusion_tag("reviews/_evaluation_summary.html")
def evaluation_summary_panel(application):
    """The released summary (one query), or nothing before the decision releases it."""
    summary, items = released_summary_items(application)
    return {"summary": summary, "items": items}
