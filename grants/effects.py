"""What a state change of an agreement, a report or an instalment causes besides the state.

Each function is an effect named on a row of `grants.workflow`, called by
`grants.services.transitions.grant_transition` as effect(obj, actor, note, data) inside the
transition's transaction, after the audit event. Emails go through `queue_email` (sent on
commit); thread messages are written in the transaction.
"""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from applications.models import Application, Message
from applications.selectors.editors import application_editors
from cma_portal import roles
from cma_portal.emails import queue_email
from grants.models import Agreement, Instalment, Report

TEMPLATE = "grant_notice"


def _managers() -> list:
    return list(
        get_user_model().objects.filter(groups__name=roles.PROGRAMME_MANAGER, is_active=True).distinct()
    )


def _notify(
    application: Application, event: str, *, staff: bool = False, editors: bool = True, **extra
) -> None:
    """One email per recipient; the template words `event` in the recipient's language."""
    recipients = [*(application_editors(application) if editors else []), *(_managers() if staff else [])]
    path = (
        reverse("grants_staff:agreement", args=[application.pk])
        if staff and not editors
        else reverse("grants:agreement", args=[application.pk])
    )
    context = {
        "event": event,
        "reference": application.reference or "",
        "title": application.title,
        "url": path,
        **{k: str(v) for k, v in extra.items()},
    }
    queue_email(recipients=recipients, template=TEMPLATE, context=context)


# --- agreement -----------------------------------------------------------------------------------


def email_agreement_sent(agreement: Agreement, actor, note: str, data: dict) -> None:
    _notify(agreement.application, "agreement_sent")


def email_signed_copy_received(agreement: Agreement, actor, note: str, data: dict) -> None:
    _notify(agreement.application, "signed_copy_received", staff=True)


def email_agreement_signed(agreement: Agreement, actor, note: str, data: dict) -> None:
    _notify(agreement.application, "agreement_signed", signed_on=agreement.signed_on.strftime("%d/%m/%Y"))


def email_project_started(agreement: Agreement, actor, note: str, data: dict) -> None:
    _notify(agreement.application, "project_started")


def email_project_closed(agreement: Agreement, actor, note: str, data: dict) -> None:
    _notify(agreement.application, "project_closed", staff=True)


def email_agreement_terminated(agreement: Agreement, actor, note: str, data: dict) -> None:
    _notify(agreement.application, "agreement_terminated", staff=True, message=note)


# --- reports -------------------------------------------------------------------------------------


def email_report_submitted(report: Report, actor, note: str, data: dict) -> None:
    _notify(
        report.agreement.application,
        "report_submitted",
        staff=True,
        report_kind=report.kind,
        report_number=report.number,
    )


def post_report_correction_message(report: Report, actor, note: str, data: dict) -> None:
    """The request, copied into the application's thread (as for a letter's correction)."""
    Message.objects.create(
        application=report.agreement.application,
        author=actor,
        from_staff=True,
        body=_("Correction demandée sur le %(report)s : %(message)s") % {"report": report, "message": note},
    )


def email_report_correction(report: Report, actor, note: str, data: dict) -> None:
    _notify(
        report.agreement.application,
        "report_correction",
        report_kind=report.kind,
        report_number=report.number,
        message=note,
    )


def email_report_accepted(report: Report, actor, note: str, data: dict) -> None:
    _notify(
        report.agreement.application, "report_accepted", report_kind=report.kind, report_number=report.number
    )


# --- instalments ---------------------------------------------------------------------------------


def email_instalment_paid(instalment: Instalment, actor, note: str, data: dict) -> None:
    _notify(
        instalment.agreement.application,
        "instalment_paid",
        staff=True,
        instalment_number=instalment.order,
        amount=f"{instalment.amount:.2f}",
        payment_reference=instalment.payment_reference,
    )
