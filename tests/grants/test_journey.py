"""The whole grant phase through the views: decision → agreement prepared → PDF → signed upload
→ countersigned → first report filled by a co-editor, submitted by the owner → correction
requested → corrected → accepted → instalment released and marked paid → final report → balance
→ project closed. Every step audited and emailed; amounts never exceed the grant."""

import io
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applications.models import BudgetLine, Message, TrainingTarget
from cma_portal.models import AuditEvent
from grants.models import Agreement, Instalment, Report
from tests.factories import programme_manager
from tests.grants.helpers import laureate, signed_pdf

pytestmark = pytest.mark.django_db


def report_data(report, people, narrative="Deux modules ouverts, cent personnes formées."):
    data = {
        "version": report.version,
        "courses_opened": 1,
        "modules_opened": 2,
        "narrative": narrative,
        "milestones": [str(report.agreement.application.milestones.first().pk)],
    }
    for code, _label in TrainingTarget.Audience.choices:
        data[f"people_{code}"] = people.get(code, 0)
    for code, _label in BudgetLine.Category.choices:
        data[f"expense_{code}"] = "1000.50"
    return data


def grant_events(application):
    return list(
        AuditEvent.objects.filter(object_id=str(application.pk), verb="grant_transition").values_list(
            "data__transition", flat=True
        )
    )


def test_the_whole_grant_phase_through_the_views(client, django_capture_on_commit_callbacks):
    pm = programme_manager()
    application = laureate(aid=Decimal("500000.00"), manager=pm)
    owner = application.owner
    coeditor = application.collaborators.get().user
    pk = application.pk
    staff = lambda name, *args: reverse(f"grants_staff:{name}", args=[pk, *args])  # noqa: E731
    mine = lambda name, *args: reverse(f"grants:{name}", args=[pk, *args])  # noqa: E731

    # Prepared by staff: the amount may not exceed the decision, nor the duration the call's 60 months.
    client.force_login(pm)
    assert "Préparer la convention" in client.get(staff("agreement")).content.decode()
    form = {
        "amount_granted": "500000.01",
        "aid_rate": "60",
        "start_date": timezone.localdate().isoformat(),
        "duration_months": "24",
        "special_conditions": "Rapport d'étape au comité.",
    }
    response = client.post(staff("prepare"), form)
    assert response.status_code == 400 and "dépasser" in response.content.decode()
    response = client.post(staff("prepare"), {**form, "amount_granted": "500000.00", "duration_months": "61"})
    assert response.status_code == 400 and not Agreement.objects.exists()
    assert client.post(staff("prepare"), {**form, "amount_granted": "500000.00"}).status_code == 302
    agreement = Agreement.objects.get(application=application)
    reports = list(agreement.reports.order_by("number"))
    assert [r.kind for r in reports] == ["yearly", "final"]
    instalments = list(agreement.instalments.order_by("order"))
    assert [i.percentage for i in instalments] == [Decimal("30"), Decimal("50"), Decimal("20")]
    assert sum(i.amount for i in instalments) == Decimal("500000.00")

    # Editable percentages, summing to 100.
    rows = {f"pct_{i.pk}": p for i, p in zip(instalments, ("40", "40", "19"), strict=True)}
    rows |= {f"date_{i.pk}": i.planned_date.isoformat() for i in instalments}
    client.post(staff("schedule"), rows)
    assert agreement.instalments.get(order=1).percentage == Decimal("30")
    rows[f"pct_{instalments[2].pk}"] = "20"
    client.post(staff("schedule"), rows)
    amounts = list(agreement.instalments.order_by("order").values_list("amount", flat=True))
    assert amounts == [Decimal("200000.00"), Decimal("200000.00"), Decimal("100000.00")]

    assert "Envoyer pour signature" in client.get(staff("agreement")).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(staff("send"))
    agreement.refresh_from_db()
    assert agreement.state == "sent_for_signature"
    assert {m.to[0] for m in mail.outbox} == {owner.email, coeditor.email}

    # The laureate opens the PDF (tagged, French) and uploads it signed.
    client.force_login(owner)
    response = client.get(mine("pdf"))
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert application.reference in text and "Convention de financement" in text
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr" and "/StructTreeRoot" in root
    response = client.post(mine("upload_signed"), {"file": io.BytesIO(b"MZ not a pdf")})
    agreement.refresh_from_db()
    assert not agreement.signed_file
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(mine("upload_signed"), {"file": signed_pdf()})
    agreement.refresh_from_db()
    assert agreement.signed_file and agreement.signed_uploaded_by == owner
    assert pm.email in {m.to[0] for m in mail.outbox}

    # Countersigned by confirmation: the agreement is dated today; the advance is released.
    client.force_login(pm)
    assert "Contresigner la convention" in client.get(staff("agreement")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(staff("countersign"))
        client.post(staff("start"))
    agreement.refresh_from_db()
    assert agreement.state == "running" and agreement.signed_on == timezone.localdate()
    assert agreement.instalments.get(order=1).state == "released"
    assert agreement.instalments.get(order=2).state == "planned"

    # First report: filled by a co-editor; the owner submits it.
    first = reports[0]
    client.force_login(coeditor)
    assert client.get(mine("report", first.pk)).status_code == 200
    people = {"initial_it": 80, "continuing": 40}
    assert client.post(mine("report", first.pk), report_data(first, people)).status_code == 302
    first.refresh_from_db()
    assert first.version == 2 and first.training.get(audience="initial_it").people_trained == 80
    client.post(mine("report_submit", first.pk))
    first.refresh_from_db()
    assert first.state == "draft", "only the owner submits"
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(mine("report_submit", first.pk))
    first.refresh_from_db()
    assert first.state == "submitted"

    # Correction requested, then corrected by the co-editor (a stale form is refused, 409).
    client.force_login(pm)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(staff("report_correction", first.pk), {"message": "Détaillez la formation continue."})
    first.refresh_from_db()
    assert first.state == "correction_requested"
    assert Message.objects.filter(application=application, body__contains="Détaillez").exists()
    assert {m.to[0] for m in mail.outbox} >= {owner.email, coeditor.email}
    client.force_login(coeditor)
    stale = report_data(first, people)
    stale["version"] = 1
    assert client.post(mine("report", first.pk), stale).status_code == 409
    client.post(mine("report", first.pk), report_data(first, {"initial_it": 80, "continuing": 45}))
    client.force_login(owner)
    client.post(mine("report_submit", first.pk))

    # Accepted: the intermediate instalment is released; staff mark the first two paid.
    client.force_login(pm)
    assert "Accepter le rapport" in client.get(staff("report", first.pk)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(staff("report_accept", first.pk))
    first.refresh_from_db()
    assert first.state == "accepted"
    second = agreement.instalments.get(order=2)
    assert second.state == "released"
    for instalment in agreement.instalments.filter(order__in=(1, 2)):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                staff("instalment_paid", instalment.pk),
                {
                    f"paiement-{instalment.pk}-paid_on": timezone.localdate().isoformat(),
                    f"paiement-{instalment.pk}-reference": f"VIR-{instalment.order}",
                },
            )
    assert agreement.instalments.filter(state="paid").count() == 2
    assert client.post(staff("close")).status_code == 302
    agreement.refresh_from_db()
    assert agreement.state == "running", "not closable before the final report and the balance"

    # Final report, balance, closure.
    final = reports[1]
    client.force_login(coeditor)
    client.post(mine("report", final.pk), report_data(final, {"initial_it": 100}))
    client.force_login(owner)
    client.post(mine("report_submit", final.pk))
    client.force_login(pm)
    client.post(staff("report_accept", final.pk))
    balance = agreement.instalments.get(kind="balance")
    assert balance.state == "released"
    client.post(
        staff("instalment_paid", balance.pk),
        {
            f"paiement-{balance.pk}-paid_on": timezone.localdate().isoformat(),
            f"paiement-{balance.pk}-reference": "VIR-3",
        },
    )
    assert "Clôturer le projet" in client.get(staff("agreement")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(staff("close"))
    agreement.refresh_from_db()
    assert agreement.state == "closed"

    paid = sum(agreement.instalments.values_list("amount", flat=True))
    assert paid == agreement.amount_granted == application.aid_granted
    assert not agreement.instalments.exclude(state=Instalment.State.PAID).exists()
    assert set(Report.objects.filter(agreement=agreement).values_list("state", flat=True)) == {"accepted"}
    events = grant_events(application)
    for step in (
        "agreement.send_for_signature",
        "agreement.upload_signed",
        "agreement.countersign",
        "agreement.start",
        "report.submit",
        "report.request_correction",
        "report.accept",
        "instalment.release",
        "instalment.mark_paid",
        "agreement.close",
    ):
        assert step in events, step
    assert AuditEvent.objects.filter(object_id=str(pk), verb="grant_agreement_prepared").exists()
    assert AuditEvent.objects.filter(object_id=str(pk), verb="grant_report_saved").count() >= 3
    # The history page shows the steps to the laureate.
    client.force_login(owner)
    shown = client.get(reverse("applications:history", args=[pk])).context["events"]
    assert "agreement.countersign" in [
        e.data.get("transition") for e in shown if e.verb == "grant_transition"
    ]
    assert client.get(mine("agreement")).context["people_to_date"] == 225


def test_a_payment_beyond_the_grant_is_refused():
    from grants.errors import GrantError
    from grants.services.payments import instalment_mark_paid
    from tests.grants.helpers import signed_agreement

    pm = programme_manager()
    agreement = signed_agreement(laureate(manager=pm), pm)
    advance = agreement.instalments.get(order=1)
    Instalment.objects.filter(pk=advance.pk).update(amount=agreement.amount_granted + Decimal("0.01"))
    advance.refresh_from_db()
    with pytest.raises(GrantError, match="dépasserait"):
        instalment_mark_paid(instalment=advance, actor=pm, paid_on=timezone.localdate(), reference="X")
