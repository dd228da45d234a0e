"""Laureates and agreements for the grant tests, built through the real services."""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import CollaboratorFactory, blank_pdf_bytes, programme_manager, rich_dossier_application


def laureate(*, aid=Decimal("500000.00"), manager=None, **kwargs):
    """An application decided `selected` with `aid` (through `decision_record`), a co-editor."""
    from reviews.services.decisions import decision_record

    manager = manager or programme_manager()
    kwargs.setdefault("estimated_aid_requested", aid)
    application = rich_dossier_application(
        state="under_review", dossier_submitted_at=timezone.now(), **kwargs
    )
    CollaboratorFactory(application=application)
    decision_record(
        application=application,
        outcome="selected",
        aid_granted=aid,
        rationale="Projet retenu.",
        actor=manager,
    )
    application.refresh_from_db()
    return application


def signed_pdf(name="convention-signee.pdf"):
    return SimpleUploadedFile(name, blank_pdf_bytes(3), content_type="application/pdf")


def signed_agreement(application, manager, *, start=None, duration=36, running=True):
    """Prepared, sent, signed by the owner, countersigned (and started) through the services."""
    from grants.services import agreements as services

    agreement = services.agreement_prepare(
        application=application,
        actor=manager,
        amount_granted=application.aid_granted,
        aid_rate=Decimal("60"),
        start_date=start or timezone.localdate(),
        duration_months=duration,
    )
    services.agreement_send(agreement=agreement, actor=manager)
    services.agreement_upload_signed(agreement=agreement, actor=application.owner, uploaded_file=signed_pdf())
    services.agreement_countersign(agreement=agreement, actor=manager)
    if running and agreement.start_date <= date.today():
        services.agreement_start(agreement=agreement, actor=manager)
    agreement.refresh_from_db()
    return agreement
