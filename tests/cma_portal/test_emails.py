"""Email rendering: subjects and text bodies are plain text, the HTML part is escaped."""

import pytest

from cma_portal.emails import render_email

# Rendering looks up an administrator's edit of the email (none here): the default files.
pytestmark = pytest.mark.django_db


def test_plain_parts_keep_user_text_as_typed_and_html_part_escapes_it():
    context = {
        "wave_name_fr": "Vague d'automne <R&D>",
        "wave_name_en": "Autumn wave <R&D>",
        "opens_at": "22/11/2026 12:00",
        "closes_at": "",
    }
    subject, text, html = render_email("wave_opened", context, "fr")
    assert subject == "Nouvelle vague ouverte : Vague d'automne <R&D>"
    assert "La vague « Vague d'automne <R&D> »" in text
    assert "&#x27;" not in text and "&amp;" not in text
    assert "Vague d&#x27;automne &lt;R&amp;D&gt;" in html


def test_email_renders_in_the_recipients_language():
    context = {"wave_name_fr": "Vague", "wave_name_en": "Wave", "opens_at": "x", "closes_at": ""}
    subject, _text, _html = render_email("wave_opened", context, "en")
    assert subject == "New wave open: Wave"
