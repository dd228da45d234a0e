"""Generated PDFs are tagged (RGAA 4.1, issue 13): receipts, dossiers and decision letters carry a
structure tree with headings, MarkInfo /Marked true and the document language."""

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from applications.pdf import submission_render_pdf
from reviews import pdf as review_pdf
from reviews.services.decisions import decision_record
from tests.factories import programme_manager, rich_dossier_application, submit_snapshot
from tests.reviews.helpers import reviewed_dossier

pytestmark = pytest.mark.django_db


def structure_types(node, found: set, depth: int = 0) -> set:
    """Every /S (structure type) under a structure element, e.g. /H1, /P, /Table."""
    if depth > 60:
        return found
    node = node.get_object()
    if isinstance(node, list):
        for kid in node:
            structure_types(kid, found, depth + 1)
        return found
    if not hasattr(node, "get"):
        return found
    if "/S" in node:
        found.add(str(node["/S"]))
    if "/K" in node:
        structure_types(node["/K"], found, depth + 1)
    return found


def assert_tagged(data: bytes, language: str = "fr") -> set:
    root = PdfReader(io.BytesIO(data)).trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"] is True or str(root["/MarkInfo"]["/Marked"]).lower() == "true"
    assert str(root["/Lang"]).lower().startswith(language)
    types = structure_types(root["/StructTreeRoot"], set())
    assert any(t.startswith("/H") and t[2:].isdigit() for t in types), types
    return types


def test_dossier_pdf_is_tagged():
    submission = submission_render_pdf(submission_id=submit_snapshot(rich_dossier_application()).pk)
    types = assert_tagged(submission.pdf.read())
    assert "/Table" in types


def test_letter_receipt_pdf_is_tagged():
    application = rich_dossier_application(state="li_draft")
    submission = submission_render_pdf(submission_id=submit_snapshot(application, kind="letter").pk)
    assert_tagged(submission.pdf.read())


@pytest.mark.parametrize("language", ["fr", "en"])
def test_decision_letter_pdf_is_tagged(language):
    decision = decision_record(
        application=reviewed_dossier(),
        outcome="selected",
        aid_granted=Decimal("420000"),
        rationale="Projet solide.",
        actor=programme_manager(),
    )
    assert_tagged(review_pdf.render_decision_letter(decision, language), language)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_evaluation_summary_pdf_is_tagged(language):
    """The evaluation summary (issue 15), in the applicant's language."""
    from reviews.models import EvaluationSummary
    from reviews.services.consensus import consensus_name_rapporteur, consensus_save, consensus_validate

    pm = programme_manager()
    dossier = reviewed_dossier()
    assignment = dossier.review_assignments.order_by("pk").first()
    consensus = consensus_name_rapporteur(application=dossier, assignment=assignment, actor=pm)
    consensus = consensus_save(
        consensus=consensus,
        scores={s.criterion_id: (3, "Appréciation.") for s in consensus.scores.all()},
        overall_opinion="Avis global.",
        actor=assignment.reviewer,
        submit=True,
    )
    consensus_validate(consensus=consensus, actor=pm)
    summary = EvaluationSummary.objects.get(application=dossier)
    types = assert_tagged(review_pdf.render_evaluation_summary(summary, dossier, language), language)
    assert "/Table" in types
