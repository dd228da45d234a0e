"""The full dossier, driven through the views with the test client and real files."""

import html
import io
import zipfile
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications.models import (
    Application,
    BudgetLine,
    ConsortiumPartner,
    Document,
    Milestone,
    Submission,
    TrainingTarget,
)
from applications.states import State
from cma_portal.models import AuditEvent
from tests import fixtures_files as ff
from tests.factories import (
    ApplicationFactory,
    CollaboratorFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    administrator,
    programme_manager,
    reviewer,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def dossier_application(**kwargs) -> Application:
    """An application after GO: state dossier_draft, deadline in six weeks."""
    now = timezone.now()
    kwargs.setdefault("state", State.DOSSIER_DRAFT)
    kwargs.setdefault("go_decided_at", now - timedelta(days=30))
    kwargs.setdefault("dossier_deadline", now + timedelta(days=42))
    kwargs.setdefault("letter_submitted_at", now - timedelta(days=60))
    application = ApplicationFactory(**kwargs)
    if not application.reference:
        application.reference = f"CMA-SN-2026-{application.pk:04d}"
        application.save(update_fields=["reference"])
    return application


def url(name, application, *args):
    return reverse(f"applications:{name}", args=[application.pk, *args])


def formset_data(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def budget_row(year=1, category="staff", eligible="100000", aid="70000", co="30000", source="Région"):
    return {
        "year": str(year),
        "category": category,
        "eligible_cost": eligible,
        "aid_requested": aid,
        "co_financing": co,
        "co_financing_source": source,
    }


def post(client, name, application, data, **extra):
    return client.post(url(name, application), {"version": application.version, **data}, **extra)


def fresh(application):
    return Application.objects.get(pk=application.pk)


def fill_dossier(client, application, *, partners=1):
    """Fill every section through the views; return the partners' organisations."""
    assert (
        post(
            client, "dossier_presentation", application, {"file": ff.pdf_upload(3, "presentation.pdf")}
        ).status_code
        == 302
    )
    application.refresh_from_db()
    annex = ff.upload(ff.xlsx_bytes(), "annexe.xlsx")
    assert post(client, "dossier_annex", application, {"file": annex}).status_code == 302
    application.refresh_from_db()
    organisations = [
        OrganisationFactory(kind="hospital", name=f"CHU partenaire {n}") for n in range(partners)
    ]
    # Partners are chosen among the applicant's own organisations.
    for org in organisations:
        MembershipFactory(organisation=org, user=application.owner)
    rows = [
        {
            "organisation": str(org.pk),
            "role": "hospital",
            "contribution": "Terrains de stage",
            "commitment": ff.pdf_upload(1, f"engagement-{n}.pdf"),
        }
        for n, org in enumerate(organisations)
    ]
    response = post(client, "dossier_partners", application, formset_data("partners", rows))
    assert response.status_code == 302, response.content.decode()[:3000]
    application.refresh_from_db()
    lines = [budget_row(1, "staff"), budget_row(2, "equipment", "200000", "140000", "0", "")]
    assert post(client, "dossier_budget", application, formset_data("budget", lines)).status_code == 302
    application.refresh_from_db()
    year = timezone.now().year
    targets = [{"audience": "initial_it", "year": str(year + 1), "people_trained": "200", "hours": "30"}]
    assert post(client, "dossier_training", application, formset_data("training", targets)).status_code == 302
    application.refresh_from_db()
    milestones = [{"title": "Ouverture du parcours", "due_month": "12", "deliverable": "Maquette"}]
    assert (
        post(client, "dossier_milestones", application, formset_data("milestones", milestones)).status_code
        == 302
    )
    application.refresh_from_db()
    return organisations


# The whole journey -------------------------------------------------------------------------


def test_complete_dossier_then_submit_freezes_a_snapshot(client, django_capture_on_commit_callbacks):
    manager = programme_manager()
    application = dossier_application()
    editor = CollaboratorFactory(application=application).user
    client.force_login(application.owner)
    fill_dossier(client, application)
    other = ff.upload(ff.pdf_bytes(2), "convention.pdf")
    assert (
        post(client, "dossier_documents", application, {"label": "Convention", "file": other}).status_code
        == 302
    )
    application.refresh_from_db()

    page = client.get(url("dossier", application))
    assert page.status_code == 200
    assert "Toutes les pièces demandées sont présentes." in page.content.decode()

    confirm = client.get(url("dossier_submit", application))
    assert "Confirmer le dépôt" in confirm.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("dossier_submit", application))
    assert response.status_code == 302

    application.refresh_from_db()
    assert application.state == State.DOSSIER_SUBMITTED
    assert application.dossier_submitted_at is not None
    submission = Submission.objects.get(application=application, kind=Submission.Kind.DOSSIER)
    snapshot = submission.snapshot
    assert snapshot["budget"]["totals"] == {
        "eligible_cost": "300000.00",
        "aid_requested": "210000.00",
        "co_financing": "30000.00",
        "aid_rate": "70.00",
    }
    current = Document.objects.filter(application=application, is_current=True)
    assert {d["sha256"] for d in snapshot["documents"]} == {d.sha256 for d in current}
    assert {d["kind"] for d in snapshot["documents"]} == {
        "presentation",
        "financial_annex",
        "commitment",
        "other",
    }
    presentation = next(d for d in snapshot["documents"] if d["kind"] == "presentation")
    assert presentation["page_count"] == 3
    assert snapshot["partners"][0]["commitment_document_id"] is not None
    assert AuditEvent.objects.filter(verb="transition", to_state=State.DOSSIER_SUBMITTED).count() == 1

    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([application.owner.email, editor.email, manager.email])
    assert application.reference in mail.outbox[0].subject
    assert "Dossier complet déposé" in mail.outbox[0].subject

    # Read-only afterwards, for the applicant too.
    page = client.get(url("dossier", application)).content.decode()
    assert "Dossier déposé" in page
    assert url("dossier_budget", application) not in page
    receipt_url = f"/candidatures/{application.pk}/depots/{submission.pk}/"
    assert receipt_url in page
    receipt = (
        html.unescape(client.get(receipt_url).content.decode()).replace("\xa0", " ").replace("\u202f", " ")
    )
    assert "300 000,00 € de coûts éligibles" in receipt and "(70,00 %)" in receipt
    assert all(d["sha256"] in receipt for d in snapshot["documents"])
    refused = post(client, "dossier_budget", application, formset_data("budget", [budget_row(3)]))
    assert refused.status_code == 302
    assert BudgetLine.objects.filter(application=application).count() == 2


def test_incomplete_dossier_lists_missing_items_and_submit_is_refused(client):
    application = dossier_application()
    partner = ConsortiumPartner.objects.create(
        application=application, organisation=OrganisationFactory(name="CHU de Lille"), role="hospital"
    )
    client.force_login(application.owner)
    page = client.get(url("dossier", application)).content.decode()
    for item in (
        "La présentation du projet (PDF) n&#x27;est pas déposée.",
        "Le budget ne comporte aucune ligne.",
        "Aucun jalon n&#x27;est renseigné.",
        "La lettre d&#x27;engagement signée de « CHU de Lille » n&#x27;est pas déposée.",
    ):
        assert item in page
    response = client.post(url("dossier_submit", application), follow=True)
    assert "Le dossier est incomplet" in response.content.decode()
    assert fresh(application).state == State.DOSSIER_DRAFT
    assert not Submission.objects.filter(application=application).exists()
    assert partner.pk


# File refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (
            ff.blank_pdf_bytes(16),
            "presentation.pdf",
            "Le document compte 16 pages ; la limite est de 15 pages.",
        ),
        (ff.corrupt_pdf_bytes(), "presentation.pdf", "endommagé ou illisible"),
        (ff.exe_bytes(), "presentation.pdf", "n&#x27;est pas un PDF"),
    ],
)
def test_presentation_refusals_name_the_problem(client, content, name, words):
    application = dossier_application()
    client.force_login(application.owner)
    response = post(client, "dossier_presentation", application, {"file": ff.upload(content, name)})
    assert response.status_code == 400
    body = response.content.decode()
    assert words in body
    assert "Cette partie n&#x27;a pas été enregistrée" in body
    assert not Document.objects.filter(application=application).exists()
    assert fresh(application).version == application.version


def test_presentation_of_fifteen_pages_is_accepted(client):
    application = dossier_application()
    client.force_login(application.owner)
    response = post(
        client, "dossier_presentation", application, {"file": ff.upload(ff.blank_pdf_bytes(15), "p.pdf")}
    )
    assert response.status_code == 302
    document = Document.objects.get(application=application, kind="presentation")
    assert document.page_count == 15
    assert fresh(application).version == application.version + 1


@pytest.mark.parametrize(
    "content",
    [ff.pdf_bytes(1), ff.zip_not_spreadsheet_bytes(), ff.fake_spreadsheet_bytes(), ff.exe_bytes()],
    ids=["pdf-renamed-xlsx", "zip-not-workbook", "text", "exe"],
)
def test_financial_annex_that_is_not_a_spreadsheet_is_refused(client, content):
    application = dossier_application()
    client.force_login(application.owner)
    response = post(client, "dossier_annex", application, {"file": ff.upload(content, "annexe.xlsx")})
    assert response.status_code == 400
    assert "tableur" in response.content.decode()
    assert not Document.objects.filter(application=application).exists()


def test_financial_annex_ods_accepted_and_replaces_previous(client):
    application = dossier_application()
    client.force_login(application.owner)
    assert (
        post(client, "dossier_annex", application, {"file": ff.upload(ff.xlsx_bytes(), "a.xlsx")}).status_code
        == 302
    )
    application.refresh_from_db()
    assert (
        post(client, "dossier_annex", application, {"file": ff.upload(ff.ods_bytes(), "b.ods")}).status_code
        == 302
    )
    annexes = Document.objects.filter(application=application, kind="financial_annex")
    assert annexes.count() == 2
    assert annexes.get(is_current=True).original_name == "b.ods"


def _png_bytes():
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", raw)
        + chunk(b"IEND", b"")
    )


def _docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (_png_bytes(), "schema.png", "image/png"),
        (
            _docx_bytes(),
            "note.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (ff.ods_bytes(), "budget.ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ],
)
def test_further_documents_allowlisted_types_accepted(client, content, name, content_type):
    application = dossier_application()
    client.force_login(application.owner)
    response = post(
        client, "dossier_documents", application, {"label": "Annexe", "file": ff.upload(content, name)}
    )
    assert response.status_code == 302
    document = Document.objects.get(application=application, kind="other")
    assert (document.label, document.content_type) == ("Annexe", content_type)


@pytest.mark.parametrize("content", [ff.exe_bytes(), ff.zip_not_spreadsheet_bytes(), b"#!/bin/sh\necho"])
def test_further_documents_other_types_refused_label_kept(client, content):
    application = dossier_application()
    client.force_login(application.owner)
    response = post(
        client,
        "dossier_documents",
        application,
        {"label": "Mon intitulé", "file": ff.upload(content, "x.pdf")},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ce type de fichier n&#x27;est pas accepté" in body or "n&#x27;est pas un PDF" in body
    assert 'value="Mon intitulé"' in body
    assert not Document.objects.filter(application=application).exists()


def test_further_document_removed_from_dossier(client):
    application = dossier_application()
    client.force_login(application.owner)
    post(client, "dossier_documents", application, {"label": "Annexe", "file": ff.pdf_upload(1)})
    application.refresh_from_db()
    document = Document.objects.get(application=application)
    response = client.post(
        url("dossier_document_remove", application, document.pk), {"version": application.version}
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.is_current is False


# Budget ------------------------------------------------------------------------------------


def test_budget_aid_over_max_rate_refused_and_input_kept(client):
    application = dossier_application()
    client.force_login(application.owner)
    data = formset_data("budget", [budget_row(1, "staff", "100000", "71000", "0", "")])
    response = post(client, "dossier_budget", application, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert (
        "L&#x27;aide demandée (71 000,00 €) représente 71,00 % des coûts éligibles (100 000,00 €)"
        in body.replace("\xa0", " ")
    )
    assert "ne peut pas dépasser 70 %" in body
    assert 'value="71000"' in body
    assert not BudgetLine.objects.filter(application=application).exists()


@pytest.mark.parametrize(
    ("row", "words"),
    [
        (budget_row(1, "staff", "-5", "0", "0", ""), "Un montant ne peut pas être négatif."),
        (budget_row(1, "staff", "1000", "700", "400", "Région"), "dépassent le coût éligible de la ligne"),
        (budget_row(1, "staff", "1000", "500", "100", ""), "Indiquez la source du cofinancement."),
        (budget_row(9, "staff"), "Sélectionnez un choix valide"),
    ],
)
def test_budget_line_refusals(client, row, words):
    application = dossier_application()
    client.force_login(application.owner)
    response = post(client, "dossier_budget", application, formset_data("budget", [row]))
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not BudgetLine.objects.filter(application=application).exists()


def test_budget_duplicate_year_and_category_refused(client):
    application = dossier_application()
    client.force_login(application.owner)
    response = post(
        client, "dossier_budget", application, formset_data("budget", [budget_row(1), budget_row(1)])
    )
    assert response.status_code == 400
    assert "Une seule ligne par année et par catégorie" in response.content.decode()


def test_budget_totals_per_year_category_and_overall(client):
    application = dossier_application()
    client.force_login(application.owner)
    rows = [budget_row(1, "staff", "1000", "700", "0", ""), budget_row(2, "staff", "3000", "2000", "0", "")]
    assert post(client, "dossier_budget", application, formset_data("budget", rows)).status_code == 302
    page = client.get(url("dossier", application))
    table = page.context["budget_table"]
    assert [row["eligible"] for row in table["by_year"]] == [Decimal("1000"), Decimal("3000"), 0, 0]
    assert table["by_category"][0]["eligible"] == Decimal("4000")
    assert table["by_category"][0]["rate"] == Decimal("67.50")
    assert "taux d'aide 67,50 %" in page.content.decode()


def test_budget_lines_edited_and_deleted(client):
    application = dossier_application()
    keep = BudgetLine.objects.create(application=application, year=1, category="staff", eligible_cost=100)
    drop = BudgetLine.objects.create(application=application, year=2, category="staff", eligible_cost=100)
    client.force_login(application.owner)
    rows = [
        {**budget_row(1, "staff", "500", "100", "0", ""), "id": str(keep.pk)},
        {**budget_row(2, "staff", "100", "0", "0", ""), "id": str(drop.pk), "DELETE": "on"},
    ]
    assert (
        post(client, "dossier_budget", application, formset_data("budget", rows, initial=2)).status_code
        == 302
    )
    assert list(BudgetLine.objects.filter(application=application).values_list("pk", "eligible_cost")) == [
        (keep.pk, Decimal("500.00"))
    ]


def test_budget_drift_warning_shows_both_amounts_and_change(client):
    application = dossier_application(estimated_total_cost=Decimal("100000"))
    BudgetLine.objects.create(
        application=application, year=1, category="staff", eligible_cost=Decimal("130000")
    )
    client.force_login(application.owner)
    body = client.get(url("dossier", application)).content.decode()
    assert "130 000,00 €" in body.replace("\xa0", " ")
    assert "100 000,00 €" in body.replace("\xa0", " ")
    assert "de 30,0 %" in body
    BudgetLine.objects.filter(application=application).update(eligible_cost=Decimal("119000"))
    assert "budget-drift" not in client.get(url("dossier", application)).content.decode()


# Other sections ----------------------------------------------------------------------------


def test_milestone_after_project_end_refused(client):
    application = dossier_application(planned_duration_months=36)
    client.force_login(application.owner)
    rows = [{"title": "Bilan", "due_month": "37", "deliverable": "Rapport"}]
    response = post(client, "dossier_milestones", application, formset_data("milestones", rows))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Le mois doit être compris entre 1 et 36" in body
    assert 'value="Bilan"' in body
    assert not Milestone.objects.exists()


def test_training_targets_saved_and_duplicates_refused(client):
    application = dossier_application()
    client.force_login(application.owner)
    year = str(timezone.now().year + 1)
    row = {"audience": "continuing", "year": year, "people_trained": "50", "hours": "14"}
    response = post(client, "dossier_training", application, formset_data("training", [row, row]))
    assert response.status_code == 400
    assert "Ce public figure déjà pour cette année." in response.content.decode()
    assert post(client, "dossier_training", application, formset_data("training", [row])).status_code == 302
    assert TrainingTarget.objects.get(application=application).people_trained == 50


def test_partner_commitment_letter_refused_when_not_pdf_and_partner_not_saved(client):
    application = dossier_application()
    org = OrganisationFactory(kind="hospital")
    client.force_login(application.owner)
    rows = [
        {
            "organisation": str(org.pk),
            "role": "hospital",
            "contribution": "Stages",
            "commitment": ff.upload(ff.exe_bytes(), "lettre.pdf"),
        }
    ]
    response = post(client, "dossier_partners", application, formset_data("partners", rows))
    assert response.status_code == 400
    body = response.content.decode()
    assert "n&#x27;est pas un PDF" in body
    assert "Stages" in body
    assert not ConsortiumPartner.objects.exists()


def test_partner_deleted_retires_its_commitment(client):
    application = dossier_application()
    client.force_login(application.owner)
    (org,) = fill_dossier(client, application)
    partner = ConsortiumPartner.objects.get(application=application)
    rows = [
        {
            "id": str(partner.pk),
            "organisation": str(org.pk),
            "role": "hospital",
            "contribution": "",
            "DELETE": "on",
        }
    ]
    assert (
        post(client, "dossier_partners", application, formset_data("partners", rows, initial=1)).status_code
        == 302
    )
    assert not ConsortiumPartner.objects.filter(application=application).exists()
    assert not Document.objects.filter(application=application, kind="commitment", is_current=True).exists()


def test_lead_organisation_cannot_be_its_own_partner(client):
    application = dossier_application()
    client.force_login(application.owner)
    rows = [{"organisation": str(application.lead_organisation_id), "role": "other", "contribution": ""}]
    response = post(client, "dossier_partners", application, formset_data("partners", rows))
    assert response.status_code == 400
    assert not ConsortiumPartner.objects.exists()


# Deadline ----------------------------------------------------------------------------------


def _complete_dossier_with_deadline(client, deadline):
    application = dossier_application(dossier_deadline=deadline)
    client.force_login(application.owner)
    fill_dossier(client, application, partners=0)
    return application


def test_dossier_submitted_one_second_after_deadline_refused(client):
    deadline = datetime(2027, 2, 28, 23, 59, 59, 999999, tzinfo=PARIS)
    with time_machine.travel(deadline - timedelta(days=10), tick=False):
        application = _complete_dossier_with_deadline(client, deadline)
    with time_machine.travel(deadline + timedelta(seconds=1), tick=False):
        response = client.post(url("dossier_submit", application), follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert (
        "Le délai de dépôt du dossier complet est dépassé depuis le 28/02/2027 à 23:59 (heure de Paris)."
        in body
    )
    assert fresh(application).state == State.DOSSIER_DRAFT
    assert not Submission.objects.filter(application=application).exists()


def test_dossier_submitted_exactly_at_deadline_accepted(client):
    deadline = datetime(2027, 2, 28, 23, 59, 59, 999999, tzinfo=PARIS)
    with time_machine.travel(deadline - timedelta(days=10), tick=False):
        application = _complete_dossier_with_deadline(client, deadline)
    with time_machine.travel(deadline, tick=False):
        response = client.post(url("dossier_submit", application))
    assert response.status_code == 302
    assert fresh(application).state == State.DOSSIER_SUBMITTED
    assert Submission.objects.filter(application=application, kind="dossier").count() == 1


def test_edits_after_deadline_refused(client):
    deadline = datetime(2027, 2, 28, 23, 59, 59, 999999, tzinfo=PARIS)
    application = dossier_application(dossier_deadline=deadline)
    with time_machine.travel(deadline + timedelta(seconds=1), tick=False):
        client.force_login(application.owner)
        response = post(
            client, "dossier_budget", application, formset_data("budget", [budget_row()]), follow=True
        )
        page = client.get(url("dossier", application)).content.decode()
    assert "Le délai de dépôt du dossier complet est dépassé" in response.content.decode()
    assert not BudgetLine.objects.exists()
    assert url("dossier_budget", application) not in page


def test_deadline_and_days_left_displayed(client):
    deadline = datetime(2027, 2, 28, 23, 59, 59, 999999, tzinfo=PARIS)
    with time_machine.travel(datetime(2027, 2, 18, 10, 0, tzinfo=PARIS), tick=False):
        application = dossier_application(dossier_deadline=deadline)
        client.force_login(application.owner)
        body = client.get(url("dossier", application)).content.decode()
    assert "28/02/2027 à 23:59 (heure de Paris)" in body
    assert "Il reste 10 jours." in body


# Double submit and conflicts ---------------------------------------------------------------


def test_double_submit_creates_one_submission_and_a_friendly_message(client):
    application = dossier_application()
    client.force_login(application.owner)
    fill_dossier(client, application, partners=0)
    first = client.post(url("dossier_submit", application))
    second = client.post(url("dossier_submit", application), follow=True)
    assert first.status_code == 302
    assert second.status_code == 200
    assert "Ce dossier a déjà été déposé le" in second.content.decode()
    assert Submission.objects.filter(application=application, kind="dossier").count() == 1


def test_concurrent_edit_conflict_keeps_input_and_overwrites_nothing(client):
    application = dossier_application()
    editor = CollaboratorFactory(application=application).user
    displayed_version = application.version
    client.force_login(application.owner)
    owner_rows = [budget_row(1, "staff", "1000", "700", "0", "")]
    assert post(client, "dossier_budget", application, formset_data("budget", owner_rows)).status_code == 302

    client.force_login(editor)
    editor_rows = [budget_row(1, "equipment", "4242", "1000", "0", "")]
    response = client.post(
        url("dossier_budget", application),
        {"version": displayed_version, **formset_data("budget", editor_rows)},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "modifiée par une autre personne" in body
    assert 'value="4242"' in body
    lines = list(BudgetLine.objects.filter(application=application).values_list("category", "eligible_cost"))
    assert lines == [("staff", Decimal("1000.00"))]
    # The re-rendered page carries the current version: saving again is a deliberate choice.
    assert f'name="version" value="{fresh(application).version}"' in body


# Roles -------------------------------------------------------------------------------------


def test_other_applicant_gets_404_on_dossier_and_its_files(client):
    application = dossier_application()
    client.force_login(application.owner)
    post(client, "dossier_presentation", application, {"file": ff.pdf_upload(1)})
    document = Document.objects.get(application=application)
    client.force_login(UserFactory())
    assert client.get(url("dossier", application)).status_code == 404
    assert client.get(url("dossier_document", application, document.pk)).status_code == 404
    assert (
        post(client, "dossier_budget", application, formset_data("budget", [budget_row()])).status_code == 404
    )
    assert client.post(url("dossier_submit", application)).status_code == 404
    assert not BudgetLine.objects.exists()


def test_owner_downloads_own_document(client):
    application = dossier_application()
    client.force_login(application.owner)
    post(client, "dossier_presentation", application, {"file": ff.pdf_upload(1, "ma-presentation.pdf")})
    document = Document.objects.get(application=application)
    response = client.get(url("dossier_document", application, document.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "ma-presentation.pdf" in response["Content-Disposition"]


def test_anonymous_redirected_to_login(client):
    application = dossier_application()
    response = client.get(url("dossier", application))
    assert response.status_code == 302
    assert "/compte/" in response["Location"]


def test_reviewer_refused(client):
    application = dossier_application()
    client.force_login(reviewer())
    assert client.get(url("dossier", application)).status_code == 404


@pytest.mark.parametrize("make_staff", [programme_manager, administrator])
def test_staff_read_only(client, make_staff):
    application = dossier_application()
    BudgetLine.objects.create(
        application=application, year=1, category="staff", eligible_cost=Decimal("5000")
    )
    client.force_login(make_staff())
    page = client.get(url("dossier", application))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Consultation en lecture seule." in body
    assert url("dossier_budget", application) not in body
    assert "5 000,00" in body.replace("\xa0", " ")
    assert (
        post(client, "dossier_budget", application, formset_data("budget", [budget_row(2)])).status_code
        == 403
    )
    assert client.post(url("dossier_submit", application)).status_code == 403
    assert BudgetLine.objects.count() == 1


def test_co_editor_edits(client):
    application = dossier_application()
    editor = CollaboratorFactory(application=application).user
    client.force_login(editor)
    assert (
        post(client, "dossier_budget", application, formset_data("budget", [budget_row()])).status_code == 302
    )
    assert BudgetLine.objects.filter(application=application).count() == 1


def test_pending_invitation_is_not_an_editor(client):
    application = dossier_application()
    invited = CollaboratorFactory(application=application, accepted_at=None).user
    client.force_login(invited)
    assert client.get(url("dossier", application)).status_code == 404


def test_letter_stage_has_no_dossier_page(client):
    application = ApplicationFactory()
    client.force_login(application.owner)
    assert client.get(url("dossier", application)).status_code == 404


# Query count -------------------------------------------------------------------------------


def _populate(application, n):
    for index in range(n):
        partner = ConsortiumPartner.objects.create(
            application=application,
            organisation=OrganisationFactory(kind="hospital"),
            role="hospital",
            order=index,
        )
        Document.objects.create(
            application=application,
            kind="commitment",
            partner=partner,
            file=f"documents/x{index}",
            original_name="lettre.pdf",
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
            page_count=1,
        )
        BudgetLine.objects.create(
            application=application,
            year=1 + index % 4,
            category=BudgetLine.Category.values[index],
            eligible_cost=1000,
        )
        TrainingTarget.objects.create(
            application=application, audience="continuing", year=2027 + index, people_trained=10, hours=5
        )
        Milestone.objects.create(application=application, title=f"Jalon {index}", due_month=index + 1)


@pytest.mark.parametrize("as_staff", [False, True], ids=["owner", "programme_manager"])
def test_dossier_page_query_count_constant(client, django_assert_num_queries, as_staff):
    small = dossier_application()
    large = dossier_application()
    _populate(small, 1)
    _populate(large, 5)
    manager = programme_manager()
    counts = []
    for application in (small, large):
        client.force_login(manager if as_staff else application.owner)
        client.get(url("dossier", application))  # warm caches (session, sites)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("dossier", application)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with django_assert_num_queries(counts[0]):
        client.get(url("dossier", large))


def test_row_deleted_by_someone_else_is_explained(client):
    application = dossier_application()
    line = BudgetLine.objects.create(application=application, year=1, category="staff", eligible_cost=100)
    client.force_login(application.owner)
    rows = [{**budget_row(1, "staff", "500", "100", "0", ""), "id": str(line.pk)}]
    line.delete()
    response = post(client, "dossier_budget", application, formset_data("budget", rows, initial=1))
    assert response.status_code == 400
    assert "Cette ligne a été supprimée entre-temps" in response.content.decode()
    assert not BudgetLine.objects.exists()


def test_budget_amounts_typed_the_french_way_are_accepted():
    from applications.forms.dossier import BudgetLineForm

    application = ApplicationFactory(state="dossier_draft", planned_duration_months=24)
    form = BudgetLineForm(
        data={
            "year": "1",
            "category": "staff",
            "eligible_cost": "1\u202f000\u202f000,50",
            "aid_requested": "700 000",
            "co_financing": "1\xa0000 €",
            "co_financing_source": "Région",
        },
        application=application,
    )
    assert form.is_valid(), form.errors
    assert str(form.cleaned_data["eligible_cost"]) == "1000000.50"
    assert str(form.cleaned_data["aid_requested"]) == "700000"
    assert str(form.cleaned_data["co_financing"]) == "1000"
