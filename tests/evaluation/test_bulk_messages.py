"""Messages to many (issue 15): a message to "all applications of wave W in state X" reaches
exactly those owners, once, and appears in each thread and history; a double click sends once."""

import html

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.models import BulkMessage, Message
from cma_portal.models import AuditEvent
from tests.factories import SubmittedLetterFactory, WaveFactory, programme_manager

pytestmark = pytest.mark.django_db

URL = "/instruction/messages-groupes/"
BODY = "Rappel : la réunion d'information a lieu jeudi."


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def manager():
    return programme_manager()


def test_a_message_to_wave_w_in_state_x_reaches_exactly_those_owners_once(
    client_for, manager, django_capture_on_commit_callbacks
):
    wave, other_wave = WaveFactory(), WaveFactory()
    targets = [SubmittedLetterFactory(wave=wave) for _ in range(3)]
    others = [
        SubmittedLetterFactory(wave=wave, state="li_rejected"),
        SubmittedLetterFactory(wave=other_wave),
    ]
    client = client_for(manager)
    query = f"?wave={wave.pk}&state=li_submitted"

    preview = client.post(URL + query, {"body": BODY, "preview": "1"})
    assert preview.status_code == 200
    page = text(preview)
    assert "3 candidatures recevront ce message" in page
    assert all(t.reference in page for t in targets) and not any(o.reference in page for o in others)
    token = preview.context["preview"]["token"]
    assert not Message.objects.exists()  # a preview sends nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL + query, {"body": BODY, "token": token, "send": "1"})
    assert response.status_code == 302
    # A double click (same preview token) sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL + query, {"body": BODY, "token": token, "send": "1"})

    sent = [m for m in mail.outbox if BODY in m.body]
    assert sorted(m.to[0] for m in sent) == sorted(t.owner.email for t in targets)
    for target in targets:
        message = Message.objects.get(application=target)
        assert message.from_staff and message.body == BODY and message.author == manager
        assert AuditEvent.objects.filter(
            verb="message_posted", object_id=str(target.pk), data__bulk=BulkMessage.objects.get().pk
        ).exists()
        thread = text(client_for(target.owner).get(f"/candidatures/{target.pk}/messages/"))
        assert BODY in thread
    assert not Message.objects.filter(application__in=others).exists()
    assert BulkMessage.objects.get().recipient_count == 3


def _send(client, n):
    wave = WaveFactory()
    for _ in range(n):
        SubmittedLetterFactory(wave=wave)
    with CaptureQueriesContext(connection) as ctx:
        client.post(f"{URL}?wave={wave.pk}&state=li_submitted", {"body": BODY, "token": f"t{n}", "send": "1"})
    assert Message.objects.filter(application__wave=wave).count() == n
    return len(ctx.captured_queries)


def test_sending_to_50_costs_one_audit_row_per_copy_over_a_fixed_part(client_for, manager):
    client = client_for(manager)
    one, fifty = _send(client, 1), _send(client, 50)
    print(f"bulk message queries: 1 application → {one}, 50 → {fifty}")
    assert fifty - one <= 49 * 1 + 12  # the audit row of each copy; messages and emails in bulk


def test_the_page_lists_nothing_to_applicants(client_for):
    letter = SubmittedLetterFactory()
    assert client_for(letter.owner).get(URL).status_code == 403


def _preview_queries(client, n):
    wave = WaveFactory()
    for _ in range(n):
        SubmittedLetterFactory(wave=wave)
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(f"{URL}?wave={wave.pk}", {"body": BODY, "preview": "1"})
    assert response.status_code == 200 and response.context["preview"]["count"] == n
    return len(ctx.captured_queries)


def test_the_preview_costs_the_same_queries_for_1_or_50_applications(client_for, manager):
    client = client_for(manager)
    one, fifty = _preview_queries(client, 1), _preview_queries(client, 50)
    print(f"bulk message preview queries: 1 application → {one}, 50 → {fifty}")
    assert one == fifty <= 12
