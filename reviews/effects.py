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
from cma_portal.audit import audit_record
from cma_portal.emails import queue_email
from cma_portal.formats import number as format_number
from reviews.models import Assignment, Consensus, Decision, EvaluationSummary, EvaluationSummaryItem


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
        # The evaluation summary this decision releases (issue 15): a link to the application
        # page, where the applicant reads it; never its reviewers.
        "summary_url": settings.SITE_URL + reverse("applications:detail", args=[application.pk])
        if EvaluationSummary.objects.filter(application_id=application.pk).exists()
        else "",
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


def release_evaluation_summary(application: Application, actor, note: str, data: dict) -> None:
    """The decision releases the dossier's evaluation summary, if a validated consensus gave it
    one: from now on the applicant reads it (page, PDF) and staff no longer edit it."""
    summary = EvaluationSummary.objects.filter(
        application_id=application.pk, released_at__isnull=True
    ).first()
    if summary is None:
        return
    summary.released_at = timezone.now()
    summary.save(update_fields=["released_at"])
    audit_record(actor=actor, verb="evaluation_summary_released", obj=summary)


def summary_from_consensus(consensus: Consensus, actor, note: str, data: dict) -> None:
    """A validated consensus initialises the applicant's evaluation summary (its comments and
    scores per criterion, its overall opinion), which staff may reword until it is released."""
    summary, created = EvaluationSummary.objects.update_or_create(
        application_id=consensus.application_id,
        defaults={
            "consensus": consensus,
            "overall_opinion": consensus.overall_opinion,
            "weighted_score": consensus.weighted_score,
            "updated_at": timezone.now(),
            "updated_by": actor,
        },
    )
    summary.items.all().delete()
    EvaluationSummaryItem.objects.bulk_create(
        EvaluationSummaryItem(summary=summary, criterion_id=s.criterion_id, value=s.value, comment=s.comment)
        for s in consensus.scores.all()
    )
    audit_record(actor=actor, verb="evaluation_summary_created", obj=summary)


def email_consensus_sent_back(consensus: Consensus, actor, note: str, data: dict) -> None:
    """The rapporteur learns why the consensus came back, with a link to it."""
    _email_rapporteur(consensus, "consensus_sent_back", note=note)


def email_rapporteur_named(consensus: Consensus, actor, note: str, data: dict) -> None:
    """The reviewer named rapporteur is asked to write the consensus."""
    _email_rapporteur(consensus, "rapporteur_named")


def _email_rapporteur(consensus: Consensus, template: str, **extra) -> None:
    assignment = consensus.assignment
    queue_email(
        recipients=[assignment.reviewer],
        template=template,
        context={
            "title": consensus.application.title,
            "reference": consensus.application.reference or "",
            "url": settings.SITE_URL + reverse("evaluation:consensus", args=[assignment.pk]),
            **extra,
        },
    )
