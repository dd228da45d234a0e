"""Dashboard, detail, history and receipt pages: content, roles, constant query counts."""

import html
from datetime import timedelta
from html import escape

import pytest
from django.utils import timezone

from applications.services.documents import document_store
from applications.services.letters import letter_submit
from applications.states import State
from tests import fixtures_files as ff
from tests.applications.helpers_letters import draft_ready_to_submit
from tests.factories import (
    ApplicationFactory,
    CollaboratorFactory,
    UserFactory,
    WaveFactory,
    administrator,
    programme_manager,
    reviewer,
)

pytestmark = pytest.mark.django_db


def _submitted():
    application = draft_ready_to_submit()
    document_store(
        application=application,
        kind="letter",
        uploaded_file=ff.pdf_upload(1),
        user=application.owner,
        page_count=1,
    )
    submission = letter_submit(application=application, user=application.owner)
    application.refresh_from_db()
    return application, submission


def test_dashboard_shows_state_deadline_days_left_and_next_step(client):
    user = UserFactory()
    closes = timezone.now() + timedelta(days=10)
    draft = ApplicationFactory(owner=user, wave=WaveFactory(closes_at=closes), acronym="BROUILLON")
    dossier = ApplicationFactory(
        owner=user,
        state=State.DOSSIER_DRAFT,
        acronym="DOSSIER",
        reference="CMA-SN-2026-0007",
        dossier_deadline=timezone.now() + timedelta(days=21),
    )
    shared = ApplicationFactory(acronym="PARTAGE")
    CollaboratorFactory(application=shared, user=user)
    ApplicationFactory(acronym="ETRANGER")
    client.force_login(user)
    page = client.get("/candidatures/").content.decode()
    assert "BROUILLON" in page and "DOSSIER" in page and "PARTAGE" in page
    assert "ETRANGER" not in page
    assert timezone.localtime(closes).strftime("%d/%m/%Y %H:%M") in page
    assert "10 jours restants" in page and "21 jours restants" in page
    assert "Compléter et déposer la lettre d&#x27;intention" in page
    assert "Compléter et déposer le dossier complet" in page
    assert "co-édition" in page
    assert escape(draft.get_state_display()) in page and dossier.reference in page


def test_dashboard_query_count_is_constant(client, django_assert_max_num_queries):
    user = UserFactory()
    ApplicationFactory(owner=user)
    client.force_login(user)
    client.get("/candidatures/")  # warm caches (session, roles)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get("/candidatures/")
    for index in range(4):
        ApplicationFactory(owner=user, state=State.DOSSIER_DRAFT if index % 2 else State.LI_DRAFT)
    with CaptureQueriesContext(connection) as five:
        assert client.get("/candidatures/").content.decode().count("/candidatures/") >= 5
    assert len(five) == len(one)


def test_dashboard_redirects_anonymous_to_login(client):
    response = client.get("/candidatures/")
    assert response.status_code == 302 and "/compte/login/" in response["Location"]


def _users(application):
    return {
        "anonymous": lambda: None,
        "owner": lambda: application.owner,
        "coeditor": lambda: CollaboratorFactory(application=application).user,
        "other_applicant": UserFactory,
        "reviewer": reviewer,
        "programme_manager": programme_manager,
        "administrator": administrator,
    }


ROLES = [
    ("anonymous", 302),
    ("owner", 200),
    ("coeditor", 200),
    ("other_applicant", 404),
    ("reviewer", 404),
    ("programme_manager", 200),
    ("administrator", 200),
]


@pytest.mark.parametrize(("who", "status"), ROLES)
@pytest.mark.parametrize("page", ["", "historique/", "depots/{sid}/"])
def test_application_pages_per_role(client_for, who, status, page):
    application, submission = _submitted()
    client = client_for(_users(application)[who]())
    response = client.get(f"/candidatures/{application.pk}/" + page.format(sid=submission.pk))
    assert response.status_code == status
    if status == 200:
        assert application.reference in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("owner", 200),
        ("coeditor", 200),
        ("other_applicant", 404),
        ("programme_manager", 403),
    ],
)
def test_letter_edit_per_role(client_for, who, status):
    application = draft_ready_to_submit()
    response = client_for(_users(application)[who]()).get(f"/candidatures/{application.pk}/lettre/")
    assert response.status_code == status


def test_history_shows_transitions_to_applicant_but_not_private_staff_events(client):
    from cma_portal.audit import audit_record

    application, _submission = _submitted()
    audit_record(actor=None, verb="staff_note_added", obj=application, note="Note interne secrète")
    client.force_login(application.owner)
    page = client.get(f"/candidatures/{application.pk}/historique/").content.decode()
    assert "Lettre d&#x27;intention déposée" in page and "submit_letter" not in page
    assert "Note interne secrète" not in page
    client.force_login(programme_manager())
    assert (
        "Note interne secrète" in client.get(f"/candidatures/{application.pk}/historique/").content.decode()
    )


def test_receipt_shows_pdf_status_then_link_when_ready(client):
    from applications.models import Submission
    from applications.pdf import submission_render_pdf

    application, submission = _submitted()
    Submission.objects.filter(pk=submission.pk).update(pdf_status=Submission.PdfStatus.PENDING, pdf="")
    client.force_login(application.owner)
    url = f"/candidatures/{application.pk}/depots/{submission.pk}/"
    page = client.get(url).content.decode()
    assert "en cours de génération" in page and "hx-get=" in page
    pending = client.get(url + "pdf/")
    assert pending.status_code == 202 and "en cours de génération" in pending.content.decode()
    submission_render_pdf(submission_id=submission.pk, force=True)
    assert "Télécharger l'accusé de réception (PDF)" in html.unescape(client.get(url).content.decode())
    response = client.get(url + "pdf/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_seed_demo_creates_every_state_idempotently(client, django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    from applications.models import Application, Submission

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--applications", "12", stdout=out)
    demo = Application.objects.filter(owner__email="porteuse@demo.cma.fr", acronym__startswith="DEMO-")
    assert set(demo.values_list("state", flat=True)) == set(State.values)
    waiting = demo.get(state=State.DOSSIER_DRAFT)
    assert 14 <= (waiting.dossier_deadline - timezone.now()).days <= 35
    assert waiting.collaborators.filter(
        user__email="coporteur@demo.cma.fr", accepted_at__isnull=False
    ).exists()
    submitted = demo.get(state=State.DOSSIER_SUBMITTED)
    assert submitted.submissions.filter(kind=Submission.Kind.DOSSIER).exists()
    for document in submitted.documents.filter(kind="presentation"):
        with document.file.open("rb") as stored:
            assert stored.read(5) == b"%PDF-"
    assert Application.objects.filter(acronym__startswith="BENCH-").count() == 12
    assert "Candidatures de démonstration" in out.getvalue()
    count = Application.objects.count()
    call_command("seed_demo", "--applications", "12", stdout=StringIO())
    assert Application.objects.count() == count
    client.force_login(demo.first().owner)
    page = client.get("/candidatures/").content.decode()
    assert page.count("DEMO-") >= len(State.values)
