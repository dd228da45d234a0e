"""What review-side state changes cause besides the state: emails to reviewers and applicants.

Each function is named on a row of `reviews.workflow` and called by the service that applies the
row, inside its transaction, as effect(obj, actor, note, data). Effects import only models,
selectors and emails.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from applications.selectors.editors import application_editors
from cma_portal.emails import queue_email
from cma_portal.formats import number as format_number
from reviews.models import Assignment, Decision


def email_review_assigned(assignment: Assignment, actor, note: str, data: dict) -> None:
    application = assignment.application
    queue_email(
        recipients=[assignment.reviewer],
        template="review_assigned",
        context={
            "title": application.title,
            "reference": application.reference or "",
            "due_at": timezone.localtime(assignment.due_at).strftime("%d/%m/%Y %H:%M"),
            "url": settings.SITE_URL + reverse("evaluation:assignment", args=[assignment.pk]),
        },
    )


def decision_notice_context(application: Application, *, outcome: str, aid_granted, letter_url: str) -> dict:
    """The context of "decision_notice": what the email sent on a decision and its preview
    (`reviews.views.decision_preview`) both render."""
    return {
        "title": application.title,
        "reference": application.reference or "",
        "outcome": outcome,
        "aid_granted": format_number(aid_granted, 2) if aid_granted is not None else "",
        "letter_url": letter_url,
    }


def email_decision_notice(application: Application, actor, note: str, data: dict) -> None:
    """The decision and a link to its letter (rendered from the decision when downloaded)."""
    decision = Decision.objects.get(application_id=application.pk)
    queue_email(
        recipients=application_editors(application),
        template="decision_notice",
        context=decision_notice_context(
            application,
            outcome=decision.outcome,
            aid_granted=decision.aid_granted,
            letter_url=settings.SITE_URL + reverse("laureates:letter", args=[decision.pk]),
        ),
    )
