"""Database faults caused for real on PostgreSQL.

- The server ends the portal's connection between two requests (`pg_terminate_backend`: a
  failover, an idle-connection reaper, a restart). The next request must still work: the
  connection is checked before reuse (CONN_HEALTH_CHECKS), and the test shows the 500 it
  would otherwise be.
- Ten parallel submits of one dossier: one Submission, one set of emails, no 500.
"""

import threading

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections
from django.test import Client, RequestFactory

from applications.models import Submission
from applications.workflow import State
from cma_portal.models import AuditEvent, OutboxEmail
from tests.applications.test_dossier_views import dossier_application, fill_dossier, url
from tests.factories import UserFactory, programme_manager

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def wsgi_get(handler, path, session_key) -> int:
    """One request through Django's WSGI handler in this thread, as a gunicorn sync worker does
    it (the test client would skip the connection housekeeping done at each request)."""
    environ = RequestFactory().get(path).environ
    environ["HTTP_COOKIE"] = f"sessionid={session_key}"
    statuses = []
    response = handler(environ, lambda status, headers, exc_info=None: statuses.append(status))
    response.close()
    return int(statuses[0].split()[0])


def terminate_backend_of(pid: int) -> None:
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            assert cursor.fetchone()[0] is True
    finally:
        other.close()


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_connection_terminated_between_requests(client):
    assert connection.settings_dict["CONN_MAX_AGE"] > 0  # connections are kept between requests
    user = UserFactory()
    client.force_login(user)
    session_key = client.cookies["sessionid"].value
    handler = WSGIHandler()
    assert wsgi_get(handler, "/candidatures/", session_key) == 200
    pid = backend_pid()
    assert wsgi_get(handler, "/candidatures/", session_key) == 200
    assert backend_pid() == pid  # the same connection, reused

    # Without the health check the fault is real: the request after the kill is a 500.
    connection.health_check_enabled = False
    terminate_backend_of(pid)
    assert wsgi_get(handler, "/candidatures/", session_key) == 500
    assert wsgi_get(handler, "/candidatures/", session_key) == 200  # the broken one was dropped

    # With it (the setting on PostgreSQL), the next request reconnects and answers.
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    pid = backend_pid()
    assert connection.health_check_enabled is True  # a new connection reads the setting again
    terminate_backend_of(pid)
    assert wsgi_get(handler, "/candidatures/", session_key) == 200
    assert backend_pid() != pid


def test_ten_parallel_submits_of_one_dossier():
    manager = programme_manager()
    application = dossier_application()
    setup_client = Client()
    setup_client.force_login(application.owner)
    fill_dossier(setup_client, application)
    clients = []
    for _ in range(10):
        each = Client()
        each.force_login(application.owner)
        clients.append(each)
    barrier = threading.Barrier(10)
    statuses, errors = [], []

    def submit(each):
        try:
            barrier.wait(30)
            statuses.append(each.post(url("dossier_submit", application)).status_code)
        except Exception as exc:  # the test client re-raises what would be a 500
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(each,)) for each in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert not errors, errors
    assert statuses == [302] * 10
    application.refresh_from_db()
    assert application.state == State.DOSSIER_SUBMITTED
    assert Submission.objects.filter(application=application, kind=Submission.Kind.DOSSIER).count() == 1
    assert AuditEvent.objects.filter(verb="transition", to_state=State.DOSSIER_SUBMITTED).count() == 1
    emails = sorted(OutboxEmail.objects.filter(template="dossier_submitted").values_list("to", flat=True))
    assert emails == sorted([application.owner.email, manager.email])
