"""No French left on English pages, no English on French pages (issue 13).

Every page of the journey and every public page (tests/e2e/a11y_dataset.py), as each role, is
rendered in both languages with the test client. A source string of our catalogue (French) that
has its own English translation must not appear in the English page's text, and the English
translation must not appear in the French page. Only whole phrases are compared (at least
three words), so that names and user content, which are not translated, cannot match by chance.
"""

import re
from html import unescape
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client

from tests.e2e import a11y_dataset

pytestmark = pytest.mark.django_db

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{[^}]*\}\}|\{[^}]*\}")
HIDDEN = re.compile(
    r"<(script|style|template|textarea)\b.*?</\1>|<form[^>]*cma-language-switch.*?</form>|<[^>]+\blang=\"(?:fr|en)\"[^>]*>.*?</",
    re.S,
)
ATTRIBUTE = re.compile(r'\b(?:title|aria-label|alt|placeholder)="([^"]*)"')


def _phrases(text: str) -> list[str]:
    """Fragments of a catalogue string between placeholders, worth looking for."""
    found = []
    for piece in PLACEHOLDER.split(text):
        piece = " ".join(piece.split()).strip(" .,:;—-–()«»\"'")
        if len(piece.split()) >= 3 and len(piece) >= 15:
            found.append(piece)
    return found


def catalogue_pairs() -> list[tuple[str, str]]:
    """(French phrase, English phrase) of every translated entry of our catalogue."""
    po = polib.pofile(str(Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    pairs = []
    for entry in po:
        if entry.obsolete or "fuzzy" in entry.flags:
            continue
        french = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        english = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
        for source, target in zip(french, english, strict=False):
            if not target or source == target:
                continue
            for phrase in _phrases(source):
                if phrase not in target:
                    pairs.append((phrase, ""))
            for phrase in _phrases(target):
                if phrase not in source:
                    pairs.append(("", phrase))
    return pairs


def page_text(html: str) -> str:
    attributes = " ".join(ATTRIBUTE.findall(html))
    html = HIDDEN.sub(" ", html)
    text = re.sub(r"<[^>]+>", " ", html)
    return " ".join(unescape(text + " " + attributes).split())


def test_no_french_on_english_pages_and_no_english_on_french_pages(settings):
    settings.STAFF_REQUIRE_MFA = True
    data, _objects, extra = a11y_dataset.build()
    pages = a11y_dataset.html_pages(data, extra)
    pairs = catalogue_pairs()
    french = sorted({f for f, _e in pairs if f}, key=len, reverse=True)
    english = sorted({e for _f, e in pairs if e}, key=len, reverse=True)
    # English phrases that are also plain French (or names) would match anywhere.
    english = [e for e in english if e not in set(french)]
    leaks = []
    clients: dict[tuple[str, str], Client] = {}
    for role, url in pages:
        for language in ("fr", "en"):
            client = clients.get((role, language))
            if client is None:
                client = clients[(role, language)] = Client()
                client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
                if data["users"][role] is not None:
                    client.force_login(data["users"][role])
            text = page_text(client.get(url).content.decode())
            foreign = french if language == "en" else english
            for phrase in foreign:
                if phrase in text:
                    leaks.append(f"[{language} {role}] {url}: « {phrase} »")
    assert not leaks, "\n".join(sorted(set(leaks)))
