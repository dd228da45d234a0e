"""Every audit verb and every application state has a human label in French and in English;
the history pages show no raw code in either language (issue 12, point 3)."""

import html
import re
from pathlib import Path

import polib
import pytest
from django.urls import reverse
from django.utils import translation

from applications.selectors.history import TRANSITION_DONE, describe
from applications.workflow import TRANSITIONS, State
from cma_portal.audit import VERB_LABELS, audit_record
from cma_portal.models import AuditEvent
from tests.factories import ApplicationFactory, programme_manager

ROOT = Path(__file__).resolve().parents[2]
PO = polib.pofile(str(ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"))
ENGLISH = {entry.msgid: entry.msgstr for entry in PO if entry.msgstr}
VERB_IN_CODE = re.compile(r"""verb\s*=\s*["']([a-z_]+)["']""")


def _msgid(lazy) -> str:
    with translation.override(None):
        return str(lazy)


def _verbs_written_by_the_code() -> set[str]:
    verbs = set()
    for folder in (
        "applications",
        "cma_portal",
        "reviews",
        "waves",
        "actions",
        "pilotage",
        "accounts",
        "public",
    ):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts or "management" in path.parts:
                continue
            verbs |= set(VERB_IN_CODE.findall(path.read_text(encoding="utf-8")))
    return verbs


def test_every_verb_written_by_the_code_has_a_label():
    missing = _verbs_written_by_the_code() - set(VERB_LABELS)
    assert not missing, f"audit verbs without a label in cma_portal.audit.VERB_LABELS: {sorted(missing)}"


@pytest.mark.parametrize("verb", sorted(VERB_LABELS))
def test_every_verb_label_is_translated(verb):
    french = _msgid(VERB_LABELS[verb])
    assert french in ENGLISH, f"{verb}: no English for {french!r}"
    assert ENGLISH[french] != french


def test_every_state_and_transition_has_french_and_english_labels():
    for state in State:
        assert _msgid(state.label) in ENGLISH, state
    # Every transition of the application (the committee's decisions included) says what it did.
    assert set(TRANSITIONS) | {"select", "waitlist", "reject"} <= set(TRANSITION_DONE)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "en"])
def test_history_pages_show_no_raw_code(client, language):
    application = ApplicationFactory(state=State.DOSSIER_DRAFT)
    owner = application.owner
    audit_record(actor=owner, verb="created", obj=application, to_state=State.LI_DRAFT)
    audit_record(actor=owner, verb="letter_saved", obj=application, data={"changed": ["title"]})
    audit_record(
        actor=owner,
        verb="document_uploaded",
        obj=application,
        data={"kind": "letter", "original_name": "lettre.pdf"},
    )
    audit_record(
        actor=owner,
        verb="transition",
        obj=application,
        from_state=State.LI_DRAFT,
        to_state=State.LI_SUBMITTED,
        data={"transition": "submit_letter"},
    )
    audit_record(
        actor=None,
        verb="deadline_extended",
        obj=application,
        note="Grève des transports",
        data={"new_deadline": "2027-03-03T23:59:59+01:00"},
    )
    audit_record(actor=owner, verb="dossier_saved", obj=application, data={"section": "budget", "version": 2})
    # Codes with an underscore anywhere, and one-word codes standing alone in an element.
    raw = {"letter_saved", "document_uploaded", "li_draft", "li_submitted", "submit_letter"}
    raw |= {"deadline_extended", "dossier_saved", ">created<", ">transition<", ">budget<"}
    client.cookies["django_language"] = language
    for user in (owner, programme_manager()):
        client.force_login(user)
        for name in ("applications:history", "instruction:detail"):
            if name == "instruction:detail" and user == owner:
                continue
            page = client.get(reverse(name, args=[application.pk]))
            assert page.status_code == 200, name
            body = html.unescape(page.content.decode())
            main = body[body.index('id="content"') :]
            for code in raw:
                assert code not in main, f"{name} ({language}) shows {code!r}"
            expected = "Lettre d'intention déposée" if language == "fr" else "Letter of intent submitted"
            assert expected in main
            deadline = "3 mars 2027" if language == "fr" else "March 3, 2027"
            assert deadline in main


@pytest.mark.django_db
def test_unknown_verb_is_shown_as_a_generic_event():
    event = AuditEvent(verb="something_new", data={})
    with translation.override("fr"):
        assert describe(event).label == "Événement"
