"""The forms where a lot is typed carry the unsaved-changes warning (issue 12, "build also"):
the letter of intent, each section of the full dossier, the review grid and the grant report
are marked `data-warn-unsaved` with a translated sentence, and the page loads
static/js/warn-unsaved.js (a file: the Content-Security-Policy forbids inline scripts). A page
served again with errors is marked as holding unsaved input from the start.
tests/e2e/test_build_also.py checks the browser's dialog itself."""

import re
from html import unescape

import pytest
from django.conf import settings
from django.urls import reverse

from reviews.services.assignments import assignment_declare
from tests.factories import (
    ApplicationFactory,
    SubmittedDossierFactory,
    covering_reviewer,
    rich_dossier_application,
)
from tests.grants.helpers import laureate, signed_agreement
from tests.reviews.helpers import assign

pytestmark = pytest.mark.django_db

FRENCH = "Vos modifications ne sont pas enregistrées. Si vous quittez la page, elles seront perdues."
ENGLISH = "Your changes are not saved. If you leave the page, they will be lost."


def _marked_forms(html: str) -> list[str]:
    return [unescape(value) for value in re.findall(r'<form\b[^>]*\bdata-warn-unsaved="([^"]*)"', html)]


def _check(client, url, count):
    for language, sentence in (("fr", FRENCH), ("en", ENGLISH)):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert _marked_forms(html) == [sentence] * count, url
        assert re.search(r'<script src="[^"]*/js/warn-unsaved\.js" defer>', html)
        assert "data-warn-unsaved-dirty" not in html


def test_letter_form_is_marked(client):
    letter = ApplicationFactory()
    client.force_login(letter.owner)
    _check(client, reverse("applications:letter_edit", args=[letter.pk]), 1)


def test_letter_form_served_again_with_errors_counts_as_unsaved(client):
    letter = ApplicationFactory()
    client.force_login(letter.owner)
    url = reverse("applications:letter_edit", args=[letter.pk])
    response = client.post(url, {"save": "1", "estimated_total_cost": "pas un nombre"})
    assert response.status_code == 400
    assert re.search(
        r"<form\b[^>]*data-warn-unsaved=\"[^\"]+\" data-warn-unsaved-dirty", response.content.decode()
    )


def test_every_dossier_section_is_marked(client):
    dossier = rich_dossier_application()
    client.force_login(dossier.owner)
    # Presentation, financial annex, consortium, budget, training targets, milestones, documents.
    _check(client, reverse("applications:dossier", args=[dossier.pk]), 7)


def test_review_form_is_marked(client):
    reviewer = covering_reviewer()
    assignment = assign(SubmittedDossierFactory(), reviewer)
    assignment_declare(assignment=assignment, conflict=False, reason="", actor=reviewer)
    client.force_login(reviewer)
    _check(client, reverse("evaluation:review", args=[assignment.pk]), 1)


def test_grant_report_form_is_marked(client):
    from tests.factories import programme_manager

    manager = programme_manager()
    application = laureate(manager=manager)
    agreement = signed_agreement(application, manager)
    report = agreement.reports.order_by("number").first()
    client.force_login(application.owner)
    _check(client, reverse("grants:report", args=[application.pk, report.pk]), 1)
