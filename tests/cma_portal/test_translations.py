from pathlib import Path

import polib

PO = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_interface_string_has_an_english_translation():
    catalogue = polib.pofile(str(PO))
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not missing, f"untranslated: {missing[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"


def test_no_message_appears_twice_in_the_catalogue():
    """GNU msgfmt refuses a catalogue with a duplicate entry (polib silently keeps one)."""
    from collections import Counter

    keys = Counter((entry.msgctxt, entry.msgid) for entry in polib.pofile(str(PO)) if not entry.obsolete)
    assert [key for key, count in keys.items() if count > 1] == []
