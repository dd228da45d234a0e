"""English pages keep no French spacing before ":" and ";" (issue 12, point 11).

French puts a (no-break) space before ":" and ";"; English does not. Templates used to write
"{% translate "Actions" %} : …" and "… ; …" around translated words, which English pages then
showed as "Actions : …". Every HTML page of the journey (tests/e2e/a11y_dataset.py), as the
role that reaches it, is rendered in English; its visible text (and title, aria-label, alt,
placeholder attributes) must hold no space, no-break space or narrow no-break space before a
colon or a semicolon. The French page keeps its spaces (checked on a few pages)."""

import re

import pytest
from django.conf import settings
from django.test import Client

from cma_portal.templatetags.cma_formats import colon, semicolon
from tests.cma_portal.test_language_leaks import page_text
from tests.e2e import a11y_dataset

pytestmark = pytest.mark.django_db

# page_text collapses every kind of white space (U+00A0 and U+202F included) into one space.
FRENCH_SPACING = re.compile(r".{0,40} [:;].{0,20}")


def test_english_pages_have_no_space_before_colon_or_semicolon(settings):
    settings.STAFF_REQUIRE_MFA = True
    data, _objects, extra = a11y_dataset.build()
    pages = a11y_dataset.html_pages(data, extra)
    assert len(pages) > 40  # the whole journey, not a handful of pages
    # What applicants typed is shown as typed, in French ("Jalon 1 : ouverture du module 1"):
    # only the interface is checked.
    from applications.models import Milestone

    typed = {*Milestone.objects.values_list("title", flat=True)}
    # Consensus comments of the dataset ("Consensus : solide.") are typed text as well.
    typed |= {"Consensus : projet solide.", "Consensus : solide."}
    typed = sorted(typed, key=len, reverse=True)
    assert typed
    found = []
    clients: dict[str, Client] = {}
    for role, url in pages:
        client = clients.get(role)
        if client is None:
            client = clients[role] = Client()
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
            if data["users"][role] is not None:
                client.force_login(data["users"][role])
        html = client.get(url).content.decode()
        assert '<html lang="en"' in html, url
        text = page_text(html)
        for title in typed:
            text = text.replace(title, "[typed]")
        for match in FRENCH_SPACING.finditer(text):
            found.append(f"[{role}] {url}: …{match.group(0)}…")
    assert not found, "\n".join(found)


def test_french_pages_keep_their_spacing(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    text = page_text(client.get("/calendrier/").content.decode())
    assert "Objectif national : " in text


def test_punctuation_tags_follow_the_language():
    from django.utils import translation

    with translation.override("fr"):
        assert (colon(), semicolon()) == (" :", " ; ")
    with translation.override("en"):
        assert (colon(), semicolon()) == (":", "; ")
