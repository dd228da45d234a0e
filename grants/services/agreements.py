"""The grant agreement: prepared by staff from a laureate decision, sent for signature, signed
by the laureate's legal representative, countersigned, started, closed or terminated."""

import hashlib
from datetime import date, datetime
from decimal import Decimal

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from applications.states import State
from cma_portal import roles
from cma_portal.audit import audit_record
from grants.calendar import default_percentages, reporting_calendar, split_amount
from grants.errors import GrantError
from grants.models import Agreement, Instalment, Report
from grants.services.payments import instalments_release
from grants.services.transitions import grant_transition
from grants.workflow import AGREEMENT_TRANSITIONS

HUNDRED = Decimal("100")


def _digest(uploaded_file) -> str:
    sha = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in iter(lambda: uploaded_file.read(65536), b""):
        sha.update(chunk)
    uploaded_file.seek(0)
    return sha.hexdigest()


def _plan(agreement: Agreement) -> None:
    """(Re)write the reporting calendar and the default schedule: an advance at signature, one
    instalment per yearly report, the balance after the final report."""
    agreement.instalments.all().delete()
    agreement.reports.all().delete()
    planned = reporting_calendar(agreement.start_date, agreement.duration_months)
    reports = [
        Report.objects.create(
            agreement=agreement,
            kind=p.kind,
            number=p.number,
            period_start=p.period_start,
            period_end=p.period_end,
            due_date=p.due_date,
        )
        for p in planned
    ]
    yearly = [r for r in reports if r.kind == Report.Kind.YEARLY]
    percentages = default_percentages(len(yearly))
    amounts = split_amount(agreement.amount_granted, percentages)
    conditions = [(Instalment.Kind.ADVANCE, None, agreement.start_date)]
    conditions += [(Instalment.Kind.INTERMEDIATE, r, r.due_date) for r in yearly]
    conditions += [(Instalment.Kind.BALANCE, reports[-1], reports[-1].due_date)]
    for order, ((kind, report, day), percent, amount) in enumerate(
        zip(conditions, percentages, amounts, strict=True), 1
    ):
        Instalment.objects.create(
            agreement=agreement,
            order=order,
            kind=kind,
            percentage=percent,
            amount=amount,
            planned_date=day,
            condition=Instalment.Condition.SIGNATURE if report is None else Instalment.Condition.REPORT,
            report=report,
        )


@transaction.atomic
def agreement_prepare(
    *,
    application: Application,
    actor,
    amount_granted: Decimal,
    aid_rate: Decimal,
    start_date: date,
    duration_months: int,
    special_conditions: str = "",
) -> Agreement:
    """Create (or, while in preparation, update) the agreement of a laureate. A change of
    amount, start or duration rewrites the reporting calendar and the default schedule.

    Refused (GrantError) unless the actor is staff, the application is a laureate, the amount
    is positive and at most the aid decided, the rate at most the call's and the duration at
    most the call's maximum. Side effects: AuditEvent "grant_agreement_prepared"."""
    if not roles.may(actor, "decide"):
        raise GrantError(_("Vous n'avez pas le droit d'effectuer cette action."))
    application = Application.objects.select_for_update().select_related("wave__call").get(pk=application.pk)
    if application.state != State.SELECTED:
        raise GrantError(_("Une convention ne se prépare que pour un lauréat."))
    call = application.wave.call
    if amount_granted is None or amount_granted <= 0:
        raise GrantError(_("Le montant accordé doit être positif."))
    if application.aid_granted is not None and amount_granted > application.aid_granted:
        raise GrantError(
            _("Le montant ne peut pas dépasser l'aide décidée (%(aid)s €).")
            % {"aid": f"{application.aid_granted:.2f}"}
        )
    if not (0 < aid_rate <= call.max_aid_rate):
        raise GrantError(
            _("Le taux d'aide doit être compris entre 0 et %(max)s %%.") % {"max": call.max_aid_rate}
        )
    if not (0 < duration_months <= call.max_duration_months):
        raise GrantError(
            _("La durée doit être comprise entre 1 et %(max)s mois.") % {"max": call.max_duration_months}
        )
    agreement = Agreement.objects.select_for_update().filter(application=application).first()
    if agreement is not None and agreement.state != Agreement.State.IN_PREPARATION:
        raise GrantError(_("La convention n'est plus en préparation : elle ne se modifie plus."))
    replan = agreement is None or (
        (agreement.amount_granted, agreement.start_date, agreement.duration_months)
        != (amount_granted, start_date, duration_months)
    )
    agreement = agreement or Agreement(application=application)
    agreement.amount_granted = amount_granted
    agreement.aid_rate = aid_rate
    agreement.start_date = start_date
    agreement.duration_months = duration_months
    agreement.special_conditions = special_conditions
    agreement.updated_at = timezone.now()
    agreement.save()
    if replan:
        _plan(agreement)
    audit_record(
        actor=actor,
        verb="grant_agreement_prepared",
        obj=application,
        data={"amount": f"{amount_granted:.2f}", "duration_months": duration_months, "replanned": replan},
    )
    return agreement


@transaction.atomic
def schedule_save(*, agreement: Agreement, actor, rows: list[tuple[int, Decimal, date]]) -> list[Instalment]:
    """Set each instalment's percentage and planned date, (instalment id, percent, date) rows.
    The percentages must sum to exactly 100; amounts follow, the last taking the rounding, so
    the schedule always sums to the amount granted. Side effects: AuditEvent "grant_schedule_saved"."""
    if not roles.may(actor, "decide"):
        raise GrantError(_("Vous n'avez pas le droit d'effectuer cette action."))
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.state != Agreement.State.IN_PREPARATION:
        raise GrantError(_("La convention n'est plus en préparation : elle ne se modifie plus."))
    instalments = list(agreement.instalments.order_by("order"))
    by_id = {row[0]: row for row in rows}
    if set(by_id) != {i.pk for i in instalments}:
        raise GrantError(_("L'échéancier a changé entre-temps ; rechargez la page."))
    percentages = [by_id[i.pk][1] for i in instalments]
    if any(p <= 0 for p in percentages) or sum(percentages) != HUNDRED:
        raise GrantError(
            _("Les parts doivent être positives et totaliser 100 %% (total saisi : %(total)s %%).")
            % {"total": sum(percentages)}
        )
    for instalment, amount in zip(
        instalments, split_amount(agreement.amount_granted, percentages), strict=True
    ):
        instalment.percentage = by_id[instalment.pk][1]
        instalment.planned_date = by_id[instalment.pk][2]
        instalment.amount = amount
        instalment.save(update_fields=["percentage", "planned_date", "amount"])
    audit_record(
        actor=actor,
        verb="grant_schedule_saved",
        obj=agreement.application,
        data={"percentages": [f"{p:.2f}" for p in percentages]},
    )
    return instalments


def agreement_send(*, agreement: Agreement, actor) -> Agreement:
    """`send_for_signature`: the laureate's editors are emailed the agreement to sign."""
    return grant_transition(
        obj=agreement, transition=AGREEMENT_TRANSITIONS["send_for_signature"], actor=actor
    )


def agreement_upload_signed(*, agreement: Agreement, actor, uploaded_file) -> Agreement:
    """Store the copy signed by the laureate's legal representative (validated by the form).
    Side effects: `upload_signed` row (audit, email to the editors and managers)."""
    sha256 = _digest(uploaded_file)
    name = (getattr(uploaded_file, "name", "") or "convention.pdf").rsplit("/", 1)[-1][:255]

    def apply(locked: Agreement) -> None:
        locked.signed_file.save("signed", File(uploaded_file), save=False)
        locked.signed_file_name = name
        locked.signed_file_sha256 = sha256
        locked.signed_uploaded_at = timezone.now()
        locked.signed_uploaded_by = actor

    return grant_transition(
        obj=agreement,
        transition=AGREEMENT_TRANSITIONS["upload_signed"],
        actor=actor,
        apply=apply,
        data={"sha256": sha256, "original_name": name},
    )


@transaction.atomic
def agreement_countersign(
    *, agreement: Agreement, actor, uploaded_file=None, at: datetime | None = None
) -> Agreement:
    """Countersign (by uploading the countersigned copy or confirming): the agreement's date is
    this day; the instalments conditioned on the signature are released in the same transaction.
    Side effects: `countersign` row, `release` rows."""
    at = at or timezone.now()

    def apply(locked: Agreement) -> None:
        locked.signed_on = timezone.localtime(at).date()
        if uploaded_file is not None:
            locked.countersigned_file.save("countersigned", File(uploaded_file), save=False)
            locked.countersigned_file_name = (getattr(uploaded_file, "name", "") or "")[:255]

    agreement = grant_transition(
        obj=agreement, transition=AGREEMENT_TRANSITIONS["countersign"], actor=actor, at=at, apply=apply
    )
    instalments_release(
        instalments=agreement.instalments.filter(condition=Instalment.Condition.SIGNATURE), actor=actor, at=at
    )
    return agreement


def agreement_start(*, agreement: Agreement, actor, at: datetime | None = None) -> Agreement:
    return grant_transition(obj=agreement, transition=AGREEMENT_TRANSITIONS["start"], actor=actor, at=at)


def agreement_close(*, agreement: Agreement, actor) -> Agreement:
    return grant_transition(obj=agreement, transition=AGREEMENT_TRANSITIONS["close"], actor=actor)


def agreement_terminate(*, agreement: Agreement, actor, reason: str) -> Agreement:
    return grant_transition(
        obj=agreement,
        transition=AGREEMENT_TRANSITIONS["terminate"],
        actor=actor,
        note=reason,
        apply=lambda locked: setattr(locked, "termination_reason", reason.strip()),
    )
