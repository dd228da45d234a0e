"""The letter of intent through the views: drafts, uploads, submission and every refusal.

Each refusal re-renders the form with what was typed (the title is asserted in the page), and
none gives a 500."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from applications.models import Application, Document, Organisation, Submission
from applications.states import State
from cma_portal.audit import audit_events_for
from tests import fixtures_files as ff
from tests.applications.helpers_letters import draft_ready_to_submit, letter_data
from tests.factories import MembershipFactory, OrganisationFactory, WaveFactory

pytestmark = pytest.mark.django_db

TYPED_TITLE = "Titre tapé par la porteuse : former les DSI de demain"


def _post(client, application, *, submit=False, letter=None, **overrides):
    data = letter_data(application, title=TYPED_TITLE, **overrides)
    if submit:
        data["submit"] = "1"
    if letter is not None:
        data["letter"] = letter
    return client.post(f"/candidatures/{application.pk}/lettre/", data)


def _page(response) -> str:
    return response.content.decode()


def _assert_kept(response):
    assert response.status_code in (200, 400, 409)
    assert TYPED_TITLE in _page(response)


def test_draft_save_keeps_everything_and_bumps_version(client):
    application = draft_ready_to_submit()
    client.force_login(application.owner)
    response = _post(client, application, letter=ff.pdf_upload(2))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.title == TYPED_TITLE
    assert application.version == 2
    assert application.state == State.LI_DRAFT
    assert application.partners.get().organisation.name == "CHU de Test"
    letter = application.documents.get(kind=Document.Kind.LETTER)
    assert letter.page_count == 2 and letter.is_current
    assert audit_events_for(application).filter(verb="letter_saved").exists()


def test_submit_freezes_snapshot_with_reference_and_emails_editors(
    client, django_capture_on_commit_callbacks
):
    application = draft_ready_to_submit()
    client.force_login(application.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, application, submit=True, letter=ff.pdf_upload(2))
    application.refresh_from_db()
    assert application.state == State.LI_SUBMITTED
    assert application.reference.startswith(f"CMA-SN-{timezone.localtime().year}-")
    submission = Submission.objects.get(application=application)
    assert response.status_code == 302
    assert response["Location"] == f"/candidatures/{application.pk}/depots/{submission.pk}/"
    assert submission.snapshot["application"]["title"] == TYPED_TITLE
    assert submission.snapshot["documents"][0]["page_count"] == 2
    receipt = client.get(response["Location"])
    page = _page(receipt)
    assert application.reference in page
    assert submission.snapshot["documents"][0]["sha256"] in page
    assert timezone.localtime(submission.submitted_at).strftime("%d/%m/%Y %H:%M:%S") in page
    submitted_mails = [m for m in mail.outbox if application.reference in m.subject]
    assert [m.to for m in submitted_mails] == [[application.owner.email]]
    # Later edits never change what was submitted.
    Application.objects.filter(pk=application.pk).update(title="Changé après coup")
    submission.refresh_from_db()
    assert submission.snapshot["application"]["title"] == TYPED_TITLE


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (lambda: ff.pdf_upload(3), "Le document compte 3 pages ; la limite est de 2 pages."),
        (lambda: ff.upload(ff.corrupt_pdf_bytes(), "lettre.pdf"), "endommagé ou illisible"),
        (lambda: ff.upload(ff.encrypted_pdf_bytes(), "lettre.pdf"), "protégé par un mot de passe"),
        (lambda: ff.upload(ff.exe_bytes(), "lettre.pdf"), "n&#x27;est pas un PDF"),
        (lambda: ff.upload(b"", "lettre.pdf"), "est vide"),
    ],
    ids=["three-pages", "corrupt", "encrypted", "exe-renamed", "empty"],
)
@pytest.mark.parametrize("submit", [False, True], ids=["draft", "submit"])
def test_bad_letter_is_refused_with_french_message_and_input_kept(client, upload, words, submit):
    application = draft_ready_to_submit()
    client.force_login(application.owner)
    response = _post(client, application, submit=submit, letter=upload())
    _assert_kept(response)
    assert words in _page(response)
    application.refresh_from_db()
    assert application.state == State.LI_DRAFT
    assert not application.documents.exists()
    assert not Submission.objects.exists()


def test_valid_letter_is_kept_when_another_field_is_wrong(client):
    application = draft_ready_to_submit()
    client.force_login(application.owner)
    response = _post(client, application, letter=ff.pdf_upload(1), planned_duration_months="douze")
    _assert_kept(response)
    assert application.documents.filter(kind=Document.Kind.LETTER, is_current=True).count() == 1
    assert "a bien été enregistrée" in _page(response)


def test_letter_outside_open_wave_is_refused_one_second_after_closing(client):
    closes_at = timezone.now() + timedelta(days=1)
    wave = WaveFactory(closes_at=closes_at)
    application = draft_ready_to_submit(wave=wave)
    client.force_login(application.owner)
    _post(client, application, letter=ff.pdf_upload(1))
    application.refresh_from_db()
    with time_machine.travel(closes_at + timedelta(seconds=1), tick=False):
        response = _post(client, application, submit=True)
    assert response.status_code == 302
    page = _page(client.get(response["Location"]))
    assert "n&#x27;accepte plus de lettre d&#x27;intention" in page
    assert TYPED_TITLE in page
    application.refresh_from_db()
    assert application.state == State.LI_DRAFT
    assert not Submission.objects.exists()


def test_letter_just_before_closing_is_accepted(client):
    closes_at = timezone.now() + timedelta(days=1)
    application = draft_ready_to_submit(wave=WaveFactory(closes_at=closes_at))
    client.force_login(application.owner)
    with time_machine.travel(closes_at - timedelta(seconds=1), tick=False):
        _post(client, application, submit=True, letter=ff.pdf_upload(1))
    application.refresh_from_db()
    assert application.state == State.LI_SUBMITTED


def test_non_university_lead_is_refused(client):
    application = draft_ready_to_submit()
    hospital = OrganisationFactory(name="CHU Porteur", kind=Organisation.Kind.HOSPITAL)
    MembershipFactory(user=application.owner, organisation=hospital)
    client.force_login(application.owner)
    response = _post(client, application, submit=True, letter=ff.pdf_upload(1), lead_organisation=hospital.pk)
    _assert_kept(response)
    assert "L&#x27;établissement porteur doit être un établissement d&#x27;enseignement supérieur" in _page(
        response
    )
    application.refresh_from_db()
    assert application.state == State.LI_DRAFT


def test_aid_over_seventy_percent_is_refused(client):
    application = draft_ready_to_submit()
    client.force_login(application.owner)
    response = _post(
        client,
        application,
        submit=True,
        letter=ff.pdf_upload(1),
        estimated_total_cost="1 000 000",
        estimated_aid_requested="700 000,01",
    )
    _assert_kept(response)
    assert "le maximum est de 70 % des coûts éligibles" in _page(response)
    assert "700 000,01" in _page(response)  # as typed
    application.refresh_from_db()
    assert application.state == State.LI_DRAFT


def test_aid_at_exactly_seventy_percent_is_accepted(client):
    application = draft_ready_to_submit()
    client.force_login(application.owner)
    _post(
        client,
        application,
        submit=True,
        letter=ff.pdf_upload(1),
        estimated_total_cost="1000000",
        estimated_aid_requested="700000",
    )
    application.refresh_from_db()
    assert application.state == State.LI_SUBMITTED


def test_duration_over_sixty_months_is_refused(client):
    application = draft_ready_to_submit()
    client.force_login(application.owner)
    response = _post(client, application, submit=True, letter=ff.pdf_upload(1), planned_duration_months="61")
    _assert_kept(response)
    assert "dépasse la durée maximale de 60 mois" in _page(response)


def test_missing_items_are_listed_in_french(client):
    application = draft_ready_to_submit()
    client.force_login(application.owner)
    response = _post(client, application, submit=True, summary="", components=[])
    _assert_kept(response)
    page = _page(response)
    assert "Rédigez le résumé du projet." in page
    assert "Déposez la lettre d&#x27;intention au format PDF." in page
    assert "Choisissez au moins un volet de l&#x27;action 3." in page


def test_component_of_unchosen_action_is_a_format_error(client):
    from actions.models import ActionComponent

    application = draft_ready_to_submit()
    client.force_login(application.owner)
    stray = ActionComponent.objects.get(code="5a")
    response = _post(client, application, components=[stray.pk])
    _assert_kept(response)
    assert "n&#x27;appartiennent à aucune des actions cochées" in _page(response)


def test_double_submit_creates_one_submission_and_no_500(client):
    application = draft_ready_to_submit()
    client.force_login(application.owner)
    _post(client, application, letter=ff.pdf_upload(1))
    application.refresh_from_db()
    first = _post(client, application, submit=True)
    second = _post(client, application, submit=True)  # same form, same version: a double click
    assert first.status_code == 302 and second.status_code == 302
    assert Submission.objects.filter(application=application).count() == 1
    page = _page(client.get(second["Location"]))
    assert "n&#x27;est plus modifiable" in page


def test_guard_refuses_second_transition_directly():
    from applications.errors import TransitionError
    from applications.services.documents import document_store
    from applications.services.letters import letter_submit

    application = draft_ready_to_submit()
    document_store(
        application=application,
        kind=Document.Kind.LETTER,
        uploaded_file=ff.pdf_upload(1),
        user=application.owner,
        page_count=1,
    )
    letter_submit(application=application, user=application.owner)
    with pytest.raises(TransitionError):
        letter_submit(application=Application.objects.get(pk=application.pk), user=application.owner)
    assert Submission.objects.count() == 1


def test_new_letter_lists_only_open_waves_and_creates_draft(client):
    from tests.applications.helpers_letters import applicant_with_university

    user, organisation = applicant_with_university()
    open_wave = WaveFactory(name_fr="Vague ouverte")
    WaveFactory(
        name_fr="Vague close",
        opens_at=timezone.now() - timedelta(days=30),
        closes_at=timezone.now() - timedelta(days=1),
    )
    client.force_login(user)
    page = _page(client.get("/candidatures/nouvelle/"))
    assert "Vague ouverte" in page and "Vague close" not in page
    response = client.post("/candidatures/nouvelle/", {"wave": open_wave.pk})
    application = Application.objects.get(owner=user)
    assert response["Location"] == f"/candidatures/{application.pk}/lettre/"
    assert application.lead_organisation == organisation
    assert application.state == State.LI_DRAFT


def test_letter_edit_form_renders_all_fields(client):
    application = draft_ready_to_submit()
    client.force_login(application.owner)
    page = _page(client.get(f"/candidatures/{application.pk}/lettre/"))
    for name in (
        "actions",
        "components",
        "lead_organisation",
        "title",
        "acronym",
        "summary",
        "estimated_total_cost",
        "estimated_aid_requested",
        "planned_duration_months",
        "people_trained_per_year",
        "audience",
        "letter",
        "partners-0-name",
        "version",
    ):
        assert f'name="{name}"' in page, name


def test_submitted_letter_is_no_longer_editable(client):
    application = draft_ready_to_submit(state=State.LI_SUBMITTED)
    client.force_login(application.owner)
    response = client.get(f"/candidatures/{application.pk}/lettre/")
    assert response.status_code == 302
    assert response["Location"] == f"/candidatures/{application.pk}/"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_make_one_submission_on_postgres():
    """Two requests submitting at the same instant: the row lock lets one through."""
    import threading

    from django.db import connection

    from applications.errors import TransitionError
    from applications.services.documents import document_store
    from applications.services.letters import letter_submit

    application = draft_ready_to_submit()
    document_store(
        application=application,
        kind=Document.Kind.LETTER,
        uploaded_file=ff.pdf_upload(1),
        user=application.owner,
        page_count=1,
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        try:
            barrier.wait()
            letter_submit(application=Application.objects.get(pk=application.pk), user=application.owner)
            outcomes.append("ok")
        except TransitionError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert Submission.objects.filter(application=application).count() == 1
