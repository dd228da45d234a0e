"""The pages of issue 15 in Chromium: the rapporteur's consensus form (editable, beside the
reviews), the programme manager's consensus and summary pages, and the applicant's page with its
evaluation summary: axe-core finds nothing blocking, in French at desktop width and in English
at 320 px, and nothing is wider than a 320 px screen. Screenshots go to /tmp/screenshots."""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest  # noqa: E402
from django.urls import reverse  # noqa: E402

from tests.e2e import a11y_dataset  # noqa: E402
from tests.e2e.conftest import login_page_as, save_screenshot  # noqa: E402
from tests.e2e.test_accessibility import (  # noqa: E402, F401 — fixture
    DESKTOP,
    MOBILE,
    axe_source,
    axe_violations,
    new_context,
    overflow,
    set_language,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _draft_consensus(pm):
    """A dossier whose three reviews are in and whose rapporteur has a draft to write."""
    from reviews.services.consensus import consensus_name_rapporteur
    from tests.factories import covering_reviewer
    from tests.reviews.helpers import reviewed_dossier

    reviewers = [covering_reviewer() for _ in range(3)]
    dossier = reviewed_dossier(reviewers=reviewers, values=(5, 4, 1), pm=pm)
    assignment = dossier.review_assignments.order_by("pk").first()
    consensus_name_rapporteur(application=dossier, assignment=assignment, actor=pm)
    return assignment


def test_consensus_pages_are_accessible_and_reflow(browser, live_server, axe_source, tmp_path):  # noqa: F811
    data, _objects, _extra = a11y_dataset.build()
    users = data["users"]
    pm, app = users[a11y_dataset.PM], data["app"]
    draft = _draft_consensus(pm)
    pages = [
        (draft.reviewer, reverse("evaluation:consensus", args=[draft.pk]), "rapporteur-draft"),
        (
            users[a11y_dataset.REVIEWER],
            reverse("evaluation:consensus", args=[data["assignment"].pk]),
            "rapporteur",
        ),
        (pm, reverse("selection:consensus", args=[draft.application_id]), "staff-consensus-draft"),
        (pm, reverse("selection:consensus", args=[app.pk]), "staff-consensus"),
        (pm, reverse("selection:summary", args=[app.pk]), "staff-summary"),
        (users[a11y_dataset.OWNER], reverse("applications:detail", args=[app.pk]), "applicant-summary"),
    ]
    problems = []
    for language, viewport in (("fr", DESKTOP), ("en", MOBILE)):
        for user, url, name in pages:
            context = new_context(browser, language, viewport=viewport)
            set_language(context, live_server, language)
            page = context.new_page()
            login_page_as(page, live_server, user)
            page.goto(live_server.url + url)
            assert page.evaluate("() => document.documentElement.lang") == language, url
            problems += [f"[{language}] {url}: {v}" for v in axe_violations(page, axe_source)]
            page.set_viewport_size(MOBILE)
            if overflow(page) > 0:
                problems.append(f"[{language}] {url}: {overflow(page)}px too wide at 320")
            save_screenshot(page, tmp_path, f"consensus-{name}-{language}.png")
            context.close()
    assert not problems, "\n".join(problems)
