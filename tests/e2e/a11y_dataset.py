"""The dataset the accessibility browser tests walk through: one application at every stage of
the journey (letter draft, letter submitted, dossier draft, dossier under review with a review in
progress, a decided laureate), the people around it in every role, and the URL of every page
each role reaches. Committed (transactional e2e tests), so that the live server sees it."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cma_portal import roles
from tests.factories import (
    ApplicationFactory,
    CollaboratorFactory,
    SubmittedLetterFactory,
    UserFactory,
    administrator,
    blank_pdf_bytes,
    covering_reviewer,
    programme_manager,
    rich_dossier_application,
    submit_snapshot,
)
from tests.factories_questions import answered_question
from tests.test_url_permissions import ANON, FORM, PAGE, POLICY, url_for

OWNER = "owner"
REVIEWER = "reviewer_assigned"
PM = "programme_manager"
ADMIN = "administrator"
COEDITOR = "coeditor"
# Who opens a page that several roles may open (the first one allowed), so that each page is
# checked once per language and each role sees its own pages.
ROLE_ORDER = (OWNER, REVIEWER, PM, ADMIN, COEDITOR, ANON)


def build():
    from applications.models import Document
    from applications.pdf import submission_render_pdf
    from applications.services import messages as message_services
    from pilotage.services import invitation_create
    from reviews.models import Grid
    from reviews.services.assignments import assignment_create, assignment_declare
    from reviews.services.consensus import consensus_name_rapporteur, consensus_save, consensus_validate
    from reviews.services.decisions import decision_record
    from reviews.services.reviews import review_save, review_start

    pm = programme_manager(first_name="Claire", last_name="Martin")
    admin = administrator(first_name="Alix", last_name="Durand")
    app = rich_dossier_application(state="dossier_submitted", dossier_submitted_at=timezone.now())
    owner = app.owner
    coeditor_row = CollaboratorFactory(application=app)
    pending = CollaboratorFactory(application=app, user=None, email="invite@exemple.fr", accepted_at=None)
    submission = submission_render_pdf(submission_id=submit_snapshot(app).pk)
    message_services.message_post(
        application=app,
        author=owner,
        body="Voici l'annexe demandée.",
        attachments=[SimpleUploadedFile("annexe.pdf", blank_pdf_bytes(), content_type="application/pdf")],
        as_staff=False,
    )
    attachment = app.documents.get(kind=Document.Kind.ATTACHMENT)
    presentation = app.documents.get(kind=Document.Kind.PRESENTATION, is_current=True)
    other_document = app.documents.filter(kind=Document.Kind.OTHER, is_current=True).first()
    due = timezone.now() + timedelta(days=20)
    reviewer_user = covering_reviewer(first_name="Rémi", last_name="Expert")
    assignment = assignment_create(application=app, reviewer=reviewer_user, due_at=due, actor=pm)
    assignment_declare(assignment=assignment, conflict=False, reason="", actor=reviewer_user)
    review = review_start(assignment=assignment)
    review_save(
        review=review,
        scores={s.criterion_id: (4, "Solide.") for s in review.scores.all()},
        overall_opinion="Projet solide et bien construit.",
        recommendation="fund",
        actor=reviewer_user,
        submit=True,
    )
    # Issue 15: the reviewer is the rapporteur; the validated consensus gives the applicant an
    # evaluation summary, released by the decision.
    consensus = consensus_name_rapporteur(application=app, assignment=assignment, actor=pm)
    consensus = consensus_save(
        consensus=consensus,
        scores={s.criterion_id: (4, "Consensus : solide.") for s in consensus.scores.all()},
        overall_opinion="Consensus : projet solide.",
        actor=reviewer_user,
        submit=True,
    )
    consensus_validate(consensus=consensus, actor=pm)
    decision = decision_record(
        application=app,
        outcome="selected",
        aid_granted=Decimal("100000.00"),
        rationale="Projet retenu par le comité.",
        actor=pm,
    )
    invitation = invitation_create(
        actor=admin, email="nouvel-expert@exemple.fr", role=roles.REVIEWER, actions=[]
    )

    # The other stages of the journey, for the same applicant and reviewer.
    letter_draft = ApplicationFactory(owner=owner, title="", acronym="", summary="", audience="")
    letter_submitted = SubmittedLetterFactory(owner=owner)
    dossier_draft = rich_dossier_application(owner=owner)
    under_review = rich_dossier_application(
        owner=owner, state="dossier_submitted", dossier_submitted_at=timezone.now()
    )
    submit_snapshot(under_review)
    to_declare = assignment_create(application=under_review, reviewer=reviewer_user, due_at=due, actor=pm)
    second = rich_dossier_application(
        owner=UserFactory(), state="dossier_submitted", dossier_submitted_at=timezone.now()
    )
    submit_snapshot(second)
    in_progress = assignment_create(application=second, reviewer=reviewer_user, due_at=due, actor=pm)
    assignment_declare(assignment=in_progress, conflict=False, reason="", actor=reviewer_user)

    # The grant phase of the laureate (issue 14's pages).
    from grants.services.reports import report_document_add
    from tests.grants.helpers import signed_agreement

    agreement = signed_agreement(app, pm)
    grant_report = agreement.reports.order_by("number").first()
    report_document = report_document_add(
        report=grant_report,
        actor=owner,
        uploaded_file=SimpleUploadedFile("piece.pdf", blank_pdf_bytes(), content_type="application/pdf"),
        page_count=1,
    )

    data = {
        "grant_report": grant_report,
        "report_document": report_document,
        "instalment": agreement.instalments.order_by("order").first(),
        "users": {
            ANON: None,
            OWNER: owner,
            COEDITOR: coeditor_row.user,
            REVIEWER: reviewer_user,
            PM: pm,
            ADMIN: admin,
        },
        "app": app,
        "submission": submission,
        "attachment": attachment,
        "presentation": presentation,
        "other_document": other_document,
        "assignment": assignment,
        "decision": decision,
        "coeditor_row": coeditor_row,
        "pending": pending,
        "invitation": invitation,
        "grid": Grid.objects.current().first(),
        "question": answered_question(app),
    }
    extra = [
        (OWNER, reverse("applications:letter_edit", args=[letter_draft.pk])),
        (OWNER, reverse("applications:detail", args=[letter_draft.pk])),
        (OWNER, reverse("applications:detail", args=[letter_submitted.pk])),
        (OWNER, reverse("applications:dossier", args=[dossier_draft.pk])),
        (OWNER, reverse("applications:dossier_submit", args=[dossier_draft.pk])),
        (OWNER, reverse("applications:messages", args=[dossier_draft.pk])),
        (PM, reverse("instruction:detail", args=[letter_submitted.pk])),
        (PM, reverse("instruction:detail", args=[dossier_draft.pk])),
        (PM, reverse("selection:dossier", args=[under_review.pk])),
        (REVIEWER, reverse("evaluation:assignment", args=[to_declare.pk])),
        (REVIEWER, reverse("evaluation:review", args=[in_progress.pk])),
    ]
    return (
        data,
        {
            "letter_draft": letter_draft,
            "letter_submitted": letter_submitted,
            "dossier_draft": dossier_draft,
            "to_declare": to_declare,
            "in_progress": in_progress,
            "under_review": under_review,
        },
        extra,
    )


def html_pages(data, extra) -> list[tuple[str, str]]:
    """(role, URL) of every HTML page of the policy, once, for the first role allowed in
    ROLE_ORDER, plus the home page for every role and the extra journey pages. Pages that answer
    with something else than HTML (PDF, CSV, ZIP, probes) are left out, asked with the test
    client."""
    pages: list[tuple[str, str]] = []
    for name, rule in POLICY.items():
        if rule.kind not in (PAGE, FORM):
            continue
        role = next((r for r in ROLE_ORDER if r in rule.allowed), None)
        if role is None:
            continue
        pages.append((role, url_for(name, data)))
    pages += [(role, "/") for role in ROLE_ORDER if role != ANON]
    pages += extra
    kept = []
    clients: dict[str, Client] = {}
    for role, url in pages:
        client = clients.get(role)
        if client is None:
            client = clients[role] = Client()
            if data["users"][role] is not None:
                client.force_login(data["users"][role])
        response = client.get(url)
        content_type = response.get("Content-Type", "")
        if response.status_code == 200 and content_type.startswith("text/html"):
            if hasattr(response, "streaming_content"):
                continue
            body = response.content
            if b"<html" in body[:400].lower():
                kept.append((role, url))
    seen = set()
    unique = []
    for item in kept:
        if item not in seen:
            seen.add(item)
            unique.append(item)
    return unique
