"""DSFR error pages with a way forward, in French and English; the 500 page needs no database;
a 403 is logged without a traceback (issue 12, points 2 and 12)."""

import html
import logging

import pytest
from django.test import RequestFactory
from django.utils import translation

from cma_portal.errors import server_error
from cma_portal.log_filters import QuietPermissionDenied
from tests.factories import UserFactory


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "heading"), [("fr", "Page non trouvée"), ("en", "Page not found")])
def test_mistyped_url_gets_the_dsfr_404(client, language, heading):
    client.force_login(UserFactory())
    client.cookies["django_language"] = language
    response = client.get("/candidatures/mal-tape/")
    body = html.unescape(response.content.decode())
    assert response.status_code == 404
    assert heading in body and "fr-header" in body and "/candidatures/" in body


def test_500_page_renders_without_any_database_query():
    # No django_db mark: any query would raise "Database access not allowed".
    request = RequestFactory().get("/")
    with translation.override("en"):
        response = server_error(request)
    body = response.content.decode()
    assert response.status_code == 500 and "Unexpected error" in body and 'href="/"' in body


def test_403_log_record_loses_its_traceback():
    try:
        raise PermissionError("refused")
    except PermissionError:
        import sys

        record = logging.LogRecord(
            "django.request", logging.WARNING, __file__, 1, "Forbidden", (), sys.exc_info()
        )
    record.status_code = 403
    assert QuietPermissionDenied().filter(record) is True
    assert record.exc_info is None
