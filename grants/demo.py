"""Demo data of the grant phase for `seed_demo`: the demo laureate gets a signed agreement
(driven through the services), one accepted and one pending yearly report, and two paid
instalments. Idempotent: nothing is done when the laureate already has an agreement."""

import io
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications.models import Application, BudgetLine, TrainingTarget
from applications.states import State
from grants.calendar import add_months
from grants.models import Agreement, Instalment
from grants.services import agreements, reports
from grants.services.payments import instalment_mark_paid

DEMO_ACRONYM = "DEMO-LAUREAT"


def _pdf() -> SimpleUploadedFile:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile("convention-signee.pdf", buffer.getvalue(), content_type="application/pdf")


def _fill(report, actor, people: dict[str, int]) -> None:
    reports.report_save(
        report=report,
        actor=actor,
        version=report.version,
        training=people,
        expenses={code: Decimal("25000.00") for code, _label in BudgetLine.Category.choices},
        courses_opened=1,
        modules_opened=3,
        milestone_ids=list(report.agreement.application.milestones.values_list("pk", flat=True)[:1]),
        narrative="Ouverture du parcours et des trois premiers modules ; cohorte complète.",
    )
    report.refresh_from_db()


def seed(*, users, stdout) -> None:
    manager = users.get("charge@demo.cma.fr")
    application = Application.objects.filter(acronym=DEMO_ACRONYM, state=State.SELECTED).first()
    if manager is None or application is None or Agreement.objects.filter(application=application).exists():
        return
    owner = application.owner
    editor = users.get("coporteur@demo.cma.fr") or owner
    if not application.collaborators.filter(user=editor, accepted_at__isnull=False).exists():
        editor = owner
    start = add_months(timezone.localdate(), -26)
    agreement = agreements.agreement_prepare(
        application=application,
        actor=manager,
        amount_granted=application.aid_granted or Decimal("450000.00"),
        aid_rate=Decimal("60"),
        start_date=start,
        duration_months=36,
        special_conditions="Présentation annuelle des résultats au comité de pilotage.",
    )
    agreements.agreement_send(agreement=agreement, actor=manager)
    agreements.agreement_upload_signed(agreement=agreement, actor=owner, uploaded_file=_pdf())
    agreements.agreement_countersign(
        agreement=agreement, actor=manager, at=timezone.now() - timedelta(days=1)
    )
    agreements.agreement_start(agreement=agreement, actor=manager)
    first, second = list(agreement.reports.filter(kind="yearly").order_by("number"))[:2]
    audiences = [code for code, _label in TrainingTarget.Audience.choices]
    _fill(first, editor, {audiences[0]: 120, audiences[4]: 60})
    reports.report_submit(report=first, actor=owner)
    reports.report_accept(report=first, actor=manager)
    _fill(second, editor, {audiences[0]: 150, audiences[4]: 80})
    reports.report_submit(report=second, actor=owner)
    for instalment in agreement.instalments.filter(state=Instalment.State.RELEASED).order_by("order")[:2]:
        instalment_mark_paid(
            instalment=instalment,
            actor=manager,
            paid_on=timezone.localdate(),
            reference=f"DEMO-VIR-{instalment.order}",
        )
    stdout.write(
        "Convention de démonstration : signée, un rapport accepté, un en attente, deux versements payés."
    )
