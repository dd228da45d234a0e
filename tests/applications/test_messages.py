"""The message thread of an application, both ways: applicants (owner, co-editors) on
/candidatures/<pk>/messages/, programme managers on the staff detail page. Emails to the other
side, attachments checked by content, and strangers kept out."""

import hashlib
import html

import pytest
from django.core import mail

from applications.models import Document, Message
from cma_portal.models import AuditEvent
from tests.factories import (
    CollaboratorFactory,
    SubmittedLetterFactory,
    UserFactory,
    administrator,
    programme_manager,
    reviewer,
)
from tests.fixtures_files import (
    exe_bytes,
    ods_bytes,
    pdf_bytes,
    upload,
    xlsx_bytes,
    zip_not_spreadsheet_bytes,
)

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa\x00\x00\x00\x00IEND\xaeB`\x82"
)


def text(response) -> str:
    return html.unescape(response.content.decode())


def thread_url(application):
    return f"/candidatures/{application.pk}/messages/"


def staff_post_url(application):
    return f"/instruction/candidatures/{application.pk}/messages/"


@pytest.fixture
def letter():
    return SubmittedLetterFactory(title="Juristes du numérique en santé", acronym="JURISANTE")


# --- access ------------------------------------------------------------------------------------


def test_thread_anonymous_is_sent_to_login(client_for, letter):
    response = client_for(None).get(thread_url(letter))
    assert response.status_code == 302 and "/compte/login/" in response["Location"]


@pytest.mark.parametrize("make_user", [UserFactory, reviewer], ids=["other-applicant", "reviewer"])
def test_thread_strangers_get_404(client_for, letter, make_user):
    Message.objects.create(application=letter, author=letter.owner, body="Secret de fabrication")
    client = client_for(make_user())
    assert client.get(thread_url(letter)).status_code == 404
    assert client.post(thread_url(letter), {"message-body": "Intrusion"}).status_code == 404
    assert Message.objects.filter(application=letter).count() == 1


def test_thread_pending_invitee_gets_404(client_for, letter):
    invitee = CollaboratorFactory(application=letter, accepted_at=None).user
    assert client_for(invitee).get(thread_url(letter)).status_code == 404


@pytest.mark.parametrize("make_user", [programme_manager, administrator], ids=["manager", "administrator"])
def test_thread_staff_are_sent_to_the_staff_page(client_for, letter, make_user):
    response = client_for(make_user()).get(thread_url(letter))
    assert response.status_code == 302
    assert response["Location"] == f"/instruction/candidatures/{letter.pk}/#messages"


def test_thread_owner_and_co_editor_see_it(client_for, letter):
    Message.objects.create(application=letter, author=programme_manager(), from_staff=True, body="Bonjour !")
    co_editor = CollaboratorFactory(application=letter).user
    for user in (letter.owner, co_editor):
        response = client_for(user).get(thread_url(letter))
        assert response.status_code == 200
        assert "Bonjour !" in text(response)
        assert "Équipe de l'appel" in text(response)


# --- applicant → staff --------------------------------------------------------------------------


def test_applicant_message_with_attachment_emails_programme_managers(
    client_for, letter, django_capture_on_commit_callbacks
):
    managers = [programme_manager(), programme_manager()]
    reviewer()  # reviewers are not told
    administrator()  # nor administrators: the programme managers answer
    content = pdf_bytes(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(letter.owner).post(
            thread_url(letter),
            {
                "message-body": "Pouvons-nous ajouter un partenaire ?",
                "message-attachments": [upload(content, "annexe.pdf")],
            },
        )
    assert response.status_code == 302
    message = Message.objects.get(application=letter)
    assert not message.from_staff and message.author == letter.owner
    document = message.attachments.get()
    assert document.kind == Document.Kind.ATTACHMENT and document.application == letter
    assert document.sha256 == hashlib.sha256(content).hexdigest() and document.size == len(content)
    assert document.content_type == "application/pdf" and document.original_name == "annexe.pdf"
    assert "annexe" not in document.file.name  # stored under a random name
    sent = [m for m in mail.outbox if "Nouveau message du porteur" in m.subject]
    assert sorted(m.to[0] for m in sent) == sorted(u.email for u in managers)
    assert "Pouvons-nous ajouter un partenaire ?" in sent[0].body
    assert f"/instruction/candidatures/{letter.pk}/" in sent[0].body
    event = AuditEvent.objects.get(verb="message_posted", object_id=str(letter.pk))
    assert event.actor == letter.owner and event.data["attachments"][0]["sha256"] == document.sha256
    # The staff page shows it, with the attachment.
    page = text(client_for(managers[0]).get(f"/instruction/candidatures/{letter.pk}/"))
    assert "Pouvons-nous ajouter un partenaire ?" in page and "annexe.pdf" in page
    staff_download = client_for(managers[0]).get(
        f"/instruction/candidatures/{letter.pk}/documents/{document.pk}/"
    )
    assert b"".join(staff_download.streaming_content) == content


def test_co_editor_may_write(client_for, letter, django_capture_on_commit_callbacks):
    programme_manager()
    co_editor = CollaboratorFactory(application=letter).user
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(co_editor).post(thread_url(letter), {"message-body": "Question du co-porteur"})
    assert response.status_code == 302
    assert Message.objects.get(application=letter).author == co_editor
    assert any(co_editor.email in m.body or "Question du co-porteur" in m.body for m in mail.outbox)


# --- staff → applicants -------------------------------------------------------------------------


def test_staff_message_emails_owner_and_co_editors(client_for, letter, django_capture_on_commit_callbacks):
    manager = programme_manager()
    co_editor = CollaboratorFactory(application=letter).user
    CollaboratorFactory(application=letter, accepted_at=None, user=None, email="pas-encore@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(manager).post(
            staff_post_url(letter),
            {
                "message-body": "Merci de préciser le budget.",
                "message-attachments": [upload(PNG, "schema.png")],
            },
        )
    assert response.status_code == 302
    message = Message.objects.get(application=letter)
    assert message.from_staff and message.author == manager
    document = message.attachments.get()
    assert document.content_type == "image/png"
    sent = [m for m in mail.outbox if "Nouveau message des chargés de programme" in m.subject]
    assert sorted(m.to[0] for m in sent) == sorted([letter.owner.email, co_editor.email])
    assert "Merci de préciser le budget." in sent[0].body
    assert thread_url(letter) in sent[0].body
    # The applicant reads it and downloads the attachment; a stranger cannot.
    owner_client = client_for(letter.owner)
    page = text(owner_client.get(thread_url(letter)))
    assert "Merci de préciser le budget." in page and "schema.png" in page
    attachment_url = f"{thread_url(letter)}pieces-jointes/{document.pk}/"
    response = owner_client.get(attachment_url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert client_for(UserFactory()).get(attachment_url).status_code == 404
    assert client_for(reviewer()).get(attachment_url).status_code == 404


def test_staff_message_refused_to_applicants(client_for, letter):
    response = client_for(letter.owner).post(
        staff_post_url(letter), {"message-body": "Je me fais passer pour l'équipe"}
    )
    assert response.status_code == 403
    assert not Message.objects.exists()


def test_attachment_url_only_serves_message_attachments(client_for, letter):
    from tests.factories import attach_document

    letter_document = attach_document(letter, kind="letter", name="lettre.pdf")
    other = SubmittedLetterFactory(owner=UserFactory())
    other_message = Message.objects.create(application=other, author=other.owner, body="x")
    other_attachment = attach_document(other, kind="attachment", name="autre.pdf", message=other_message)
    client = client_for(letter.owner)
    assert client.get(f"{thread_url(letter)}pieces-jointes/{letter_document.pk}/").status_code == 404
    assert client.get(f"{thread_url(letter)}pieces-jointes/{other_attachment.pk}/").status_code == 404
    assert client.get(f"{thread_url(other)}pieces-jointes/{other_attachment.pk}/").status_code == 404


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (exe_bytes(), "programme.pdf", "n'est pas d'un type accepté"),
        (zip_not_spreadsheet_bytes(), "tableau.xlsx", "n'est pas d'un type accepté"),
        (b"", "vide.pdf", "est vide"),
    ],
    ids=["exe-renamed-pdf", "zip-renamed-xlsx", "empty"],
)
def test_bad_attachment_is_refused_and_text_kept(client_for, letter, content, name, expected):
    response = client_for(letter.owner).post(
        thread_url(letter),
        {"message-body": "Mon texte soigneusement rédigé", "message-attachments": [upload(content, name)]},
    )
    assert response.status_code == 400
    page = text(response)
    assert expected in page
    assert "Mon texte soigneusement rédigé" in page
    assert not Message.objects.exists() and not Document.objects.exists()


def test_too_large_attachment_is_refused(client_for, letter, settings):
    settings.MAX_UPLOAD_SIZE = 1024
    response = client_for(letter.owner).post(
        thread_url(letter),
        {
            "message-body": "Gros fichier",
            "message-attachments": [upload(pdf_bytes(3) + b"0" * 2048, "gros.pdf")],
        },
    )
    assert response.status_code == 400
    assert "dépasse la taille maximale" in text(response)
    assert not Message.objects.exists()


def test_spreadsheets_accepted_by_content(client_for, letter):
    response = client_for(letter.owner).post(
        thread_url(letter),
        {
            "message-body": "Annexes financières",
            "message-attachments": [upload(xlsx_bytes(), "budget.bin"), upload(ods_bytes(), "budget.ods")],
        },
    )
    assert response.status_code == 302
    types = sorted(Document.objects.values_list("content_type", flat=True))
    assert types == [
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ]


def test_empty_message_is_refused(client_for, letter):
    response = client_for(letter.owner).post(thread_url(letter), {"message-body": "   "})
    assert response.status_code == 400
    assert "Écrivez un message ou joignez un fichier." in text(response)
    # The error belongs to the message field: aria-invalid, described by its message, in the summary.
    html = response.content.decode()
    assert 'aria-invalid="true"' in html and 'id="id_message-body-desc-error"' in html
    assert 'href="#id_message-body"' in html


def test_too_many_attachments_are_refused(client_for, letter):
    files = [upload(pdf_bytes(1), f"piece-{n}.pdf") for n in range(6)]
    response = client_for(letter.owner).post(
        thread_url(letter), {"message-body": "Six", "message-attachments": files}
    )
    assert response.status_code == 400
    assert "Au plus 5 pièces jointes par message." in text(response)


def test_staff_bad_attachment_rerenders_detail_with_error(client_for, letter):
    response = client_for(programme_manager()).post(
        staff_post_url(letter),
        {"message-body": "Texte de l'équipe", "message-attachments": [upload(exe_bytes(), "outil.pdf")]},
    )
    assert response.status_code == 400
    assert "n'est pas d'un type accepté" in text(response) and "Texte de l'équipe" in text(response)


def test_screening_decisions_appear_in_the_thread(client_for, letter, django_capture_on_commit_callbacks):
    manager = programme_manager()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(manager).post(
            f"/instruction/candidatures/{letter.pk}/no-go/", {"nogo-reasons": "Consortium trop restreint."}
        )
    page = text(client_for(letter.owner).get(thread_url(letter)))
    assert "Consortium trop restreint." in page
    assert "NO GO : motifs et recommandations" in page
    assert "nouvelle lettre d'intention" in page
    # The emails link to the thread.
    assert thread_url(letter) in next(m for m in mail.outbox if "NO GO" in m.subject).body
