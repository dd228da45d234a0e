"""Emails over real SMTP to a local aiosmtpd sink, through the Celery task (eager)."""

import email
import smtplib
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller

from cma_portal.tasks import is_transient, send_email_task

# Rendering looks up an administrator's edit of the email (issue 15): the database is read.
pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sink:
    """Keeps every message; answers 451 (try later) to the first `busy` DATA commands."""

    def __init__(self, busy: int = 0):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []
        self.busy = busy

    async def handle_DATA(self, server, session, envelope):
        if self.busy:
            self.busy -= 1
            return "451 4.3.0 Essayez plus tard"
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp_sink(settings):
    def start(busy=0):
        sink = Sink(busy=busy)
        controller = Controller(sink, hostname="127.0.0.1", port=free_port())
        controller.start()
        controllers.append(controller)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = controller.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        return sink

    controllers = []
    yield start
    for controller in controllers:
        controller.stop()


CONTEXT = {
    "reference": "CMA-SN-2026-0042",
    "title": "Former au numérique en santé",
    "deadline": "30/06/2026 23:59",
    "days_left": 7,
    "url": "/candidatures/42/",
    "kind": "dossier_d7",
}


@pytest.mark.smtp
def test_email_over_smtp_has_french_text_and_html(smtp_sink):
    sink = smtp_sink()
    send_email_task.delay(to="porteuse@univ-exemple.fr", template="reminder_dossier", context=CONTEXT)
    assert len(sink.messages) == 1
    message = sink.messages[0]
    assert sink.envelopes[0].rcpt_tos == ["porteuse@univ-exemple.fr"]
    assert message["To"] == "porteuse@univ-exemple.fr"
    assert (
        message["Subject"].strip()
        == "[Portail CMA] Dossier CMA-SN-2026-0042 : plus que 7 jours pour le déposer"
    )
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "doit être déposé au plus tard le 30/06/2026 23:59" in text
    assert "Il reste 7 jours." in text
    assert "http://127.0.0.1:8000/candidatures/42/" in text
    assert '<html lang="fr">' in html and "<strong>30/06/2026 23:59</strong>" in html


@pytest.mark.smtp
def test_email_retried_after_a_temporary_refusal(smtp_sink):
    """451 is transient: the task asks for a retry and the second attempt delivers.

    `apply(throw=False)` runs the retry chain inline (Celery re-applies the retry signature with
    retries + 1) instead of propagating the first failure as eager mode does for `delay`."""
    sink = smtp_sink(busy=1)
    result = send_email_task.apply(
        kwargs={"to": "porteuse@univ-exemple.fr", "template": "expired", "context": CONTEXT}, throw=False
    )
    assert result.successful()
    assert len(sink.messages) == 1
    assert "CMA-SN-2026-0042" in sink.messages[0]["Subject"]


@pytest.mark.smtp
def test_email_permanent_refusal_is_not_retried(smtp_sink):
    class Refusing(Sink):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            return "550 5.1.1 Destinataire inconnu"

    controller = Controller(Refusing(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        smtp_sink()  # the settings
        from django.conf import settings

        settings.EMAIL_PORT = controller.port
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            send_email_task.delay(to="inconnu@univ-exemple.fr", template="expired", context=CONTEXT)
    finally:
        controller.stop()


def test_transient_errors_classification():
    assert is_transient(smtplib.SMTPServerDisconnected("gone"))
    assert is_transient(smtplib.SMTPConnectError(421, b"busy"))
    assert is_transient(smtplib.SMTPDataError(451, b"later"))
    assert is_transient(ConnectionRefusedError())
    assert is_transient(TimeoutError())
    assert not is_transient(smtplib.SMTPDataError(554, b"rejected"))
    assert not is_transient(smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"unknown")}))
    assert not is_transient(smtplib.SMTPAuthenticationError(535, b"bad credentials"))
    assert not is_transient(ValueError("template bug"))
