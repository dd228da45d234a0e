"""Storing documents and serving them only to those who may see the application."""

import hashlib

import pytest

from applications.models import Document
from applications.services.documents import document_store
from cma_portal.audit import audit_events_for
from tests import fixtures_files as ff
from tests.factories import (
    ApplicationFactory,
    CollaboratorFactory,
    UserFactory,
    administrator,
    programme_manager,
    reviewer,
)

pytestmark = pytest.mark.django_db


def _store(application, content=None, name="lettre.pdf", kind=Document.Kind.LETTER, **kwargs):
    content = content if content is not None else ff.pdf_bytes(1)
    return document_store(
        application=application,
        kind=kind,
        uploaded_file=ff.upload(content, name),
        user=application.owner,
        page_count=1,
        **kwargs,
    )


def test_document_store_records_hash_size_and_random_name(settings):
    application = ApplicationFactory()
    content = ff.pdf_bytes(1)
    document = _store(application, content, name="Ma lettre.pdf")
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.size == len(content)
    assert document.original_name == "Ma lettre.pdf"
    assert document.content_type == "application/pdf"
    assert "lettre" not in document.file.name.lower()
    assert document.file.name.startswith("documents/")
    with document.file.open("rb") as stored:
        assert stored.read() == content
    assert str(settings.MEDIA_ROOT) in document.file.path
    event = audit_events_for(application).get(verb="document_uploaded")
    assert event.data["sha256"] == document.sha256


def test_document_store_replaces_previous_single_document_but_keeps_it():
    application = ApplicationFactory()
    first = _store(application, ff.pdf_bytes(1))
    second = _store(application, ff.pdf_bytes(2))
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert application.documents.count() == 2


def test_document_store_keeps_several_other_documents():
    application = ApplicationFactory()
    _store(application, kind=Document.Kind.OTHER)
    _store(application, kind=Document.Kind.OTHER)
    assert application.documents.filter(is_current=True).count() == 2


def test_document_download_streams_original_name_to_owner(client):
    application = ApplicationFactory()
    content = ff.pdf_bytes(1)
    document = _store(application, content, name="Lettre d'intention.pdf")
    client.force_login(application.owner)
    response = client.get(f"/candidatures/{application.pk}/documents/{document.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    assert "Lettre" in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("owner", 200),
        ("coeditor", 200),
        ("other_applicant", 404),
        ("reviewer", 404),
        ("programme_manager", 200),
        ("administrator", 200),
    ],
)
def test_document_download_per_role(client_for, who, status):
    application = ApplicationFactory()
    document = _store(application)
    users = {
        "anonymous": lambda: None,
        "owner": lambda: application.owner,
        "coeditor": lambda: CollaboratorFactory(application=application).user,
        "other_applicant": UserFactory,
        "reviewer": reviewer,
        "programme_manager": programme_manager,
        "administrator": administrator,
    }
    client = client_for(users[who]())
    response = client.get(f"/candidatures/{application.pk}/documents/{document.pk}/")
    assert response.status_code == status
    if status == 302:
        assert "/compte/login/" in response["Location"]


def test_document_of_another_application_is_404(client):
    mine = ApplicationFactory()
    theirs = ApplicationFactory()
    document = _store(theirs)
    client.force_login(mine.owner)
    assert client.get(f"/candidatures/{mine.pk}/documents/{document.pk}/").status_code == 404
