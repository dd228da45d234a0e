"""Emails edited by administrators (issue 15): the registry matches what the code sends, an edit
is used for real emails in its language, a text with an unknown placeholder or a tag is refused
with what was typed kept, a reset brings the default back, the preview renders."""

import html
import re
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.template import engines
from django.template.base import FilterExpression, Variable, VariableNode
from django.template.defaulttags import ForNode, IfNode, TemplateLiteral, WithNode
from django.template.loader_tags import IncludeNode
from django.templatetags.i18n import BlockTranslateNode, GetCurrentLanguageNode, TranslateNode
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cma_portal.email_overrides import check_text, default_texts
from cma_portal.email_registry import COMMON, EDITABLE_EMAILS
from cma_portal.emails import queue_email, render_email
from cma_portal.models import AuditEvent, EmailTemplateOverride, OutboxEmail
from pilotage.services import PilotageError, email_template_reset, email_template_save
from tests.factories import UserFactory, administrator

ROOT = Path(__file__).resolve().parents[2]
EMAILS = ROOT / "templates" / "emails"
APPS = ("applications", "reviews", "grants", "waves", "pilotage", "accounts", "cma_portal", "pages")
EXPIRED = {
    "reference": "CMA-SN-2026-0042",
    "title": "Former <au> numérique & santé",
    "deadline": "28/02/2027 23:59",
    "url": "/candidatures/42/",
}


# --- The registry and the default files --------------------------------------------------------


def _names_sent_by_the_code() -> set[str]:
    names = set()
    pattern = re.compile(r"""\b(?:template|TEMPLATE)\s*=\s*["']([a-z_]+)["']""")
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                names |= set(pattern.findall(path.read_text()))
    return names


def test_every_email_the_code_sends_is_editable():
    sent = _names_sent_by_the_code()
    assert {"decision_notice", "grant_notice", "message_to_applicants", "reminder_dossier"} <= sent
    assert sent <= set(EDITABLE_EMAILS), sorted(sent - set(EDITABLE_EMAILS))
    triples = {p.name.removesuffix("_subject.txt") for p in EMAILS.glob("*_subject.txt")}
    assert triples == set(EDITABLE_EMAILS)
    for name in EDITABLE_EMAILS:
        assert (EMAILS / f"{name}.txt").exists() and (EMAILS / f"{name}.html").exists()


def _free_variables(nodelist, bound: frozenset, found: set) -> None:
    """Names a template reads from its context (`with`, `count`, `as` bind their own)."""

    def expression(fe):
        if isinstance(fe, FilterExpression):
            if isinstance(fe.var, Variable) and fe.var.lookups and fe.var.lookups[0] not in bound:
                found.add(fe.var.lookups[0])
            for _func, args in fe.filters:
                for is_var, arg in args:
                    if is_var and isinstance(arg, Variable) and arg.lookups[0] not in bound:
                        found.add(arg.lookups[0])
        elif isinstance(fe, TemplateLiteral):  # an operand of an {% if %} condition
            expression(fe.value)
        else:  # an operator of an {% if %} condition
            for part in ("first", "second"):
                if getattr(fe, part, None) is not None:
                    expression(getattr(fe, part))

    for node in nodelist:
        if isinstance(node, VariableNode):
            expression(node.filter_expression)
        elif isinstance(node, IfNode):
            for condition, children in node.conditions_nodelists:
                if condition is not None:
                    expression(condition)
                _free_variables(children, bound, found)
        elif isinstance(node, WithNode):
            for value in node.extra_context.values():
                expression(value)
            _free_variables(node.nodelist, bound | set(node.extra_context), found)
        elif isinstance(node, ForNode):
            expression(node.sequence)
            _free_variables(node.nodelist_loop, bound | set(node.loopvars), found)
        elif isinstance(node, BlockTranslateNode):
            inner = set(node.extra_context) | ({node.countervar} if node.countervar else set())
            for value in node.extra_context.values():
                expression(value)
            if node.counter is not None:
                expression(node.counter)
            for token in [*node.singular, *node.plural]:
                if token.token_type.name == "VAR" and token.contents not in bound | inner:
                    found.add(token.contents)
        elif isinstance(node, IncludeNode):
            found.add(f"include:{node.template.var}")
        elif isinstance(node, TranslateNode | GetCurrentLanguageNode):
            continue
        else:
            for attr in getattr(node, "child_nodelists", ()):
                _free_variables(getattr(node, attr, None) or [], bound, found)


def _bound_names(source: str) -> set[str]:
    """`{% translate … as x %}`, `{% blocktranslate asvar x %}`, `{% get_current_language as x %}`."""
    return set(re.findall(r"\bas(?:var)?\s+([A-Za-z_]\w*)\s*%\}", source))


@pytest.mark.parametrize("name", sorted(EDITABLE_EMAILS))
def test_default_files_use_only_the_declared_placeholders(name):
    entry = EDITABLE_EMAILS[name]
    engine = engines["django"]
    for path in [
        *(EMAILS / f"{name}{suffix}" for suffix in ("_subject.txt", ".txt", ".html")),
        *(ROOT / "templates" / snippet for snippet in entry.snippets.values()),
    ]:
        source = path.read_text()
        found: set[str] = set()
        _free_variables(engine.from_string(source).template.nodelist, frozenset(_bound_names(source)), found)
        allowed = (
            set(entry.placeholders)
            | set(COMMON)
            | (set(entry.snippets) if "snippets" not in path.parts else set())
        )
        assert found <= allowed, f"{path.name}: {sorted(found - allowed)} not declared for {name}"


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("name", sorted(EDITABLE_EMAILS))
def test_default_text_is_accepted_as_an_edit_and_renders_like_the_default(name, language):
    entry = EDITABLE_EMAILS[name]
    with translation.override(language):
        subject, body = default_texts(name)
    assert check_text(subject, entry.allowed()) == [] and check_text(body, entry.allowed()) == []
    assert "{%" not in body and "{{" in body
    # Rendered on the sample data, the starting text says what the default files say.
    edited_subject, edited_text, _html = render_email(
        name, entry.sample(), language, override=(subject, body)
    )
    default_subject, default_text, _html = render_email(name, entry.sample(), language, override=None)
    assert edited_subject == default_subject
    assert " ".join(edited_text.split()) == " ".join(default_text.split())


def test_check_text_names_the_unknown_placeholder_and_the_allowed_ones():
    allowed = EDITABLE_EMAILS["expired"].allowed()
    with translation.override("fr"):
        errors = check_text("Bonjour {{ montant }} et {{ title|upper }}", allowed)
    assert len(errors) == 1
    assert "{{ montant }}" in errors[0] and "{{ title|upper }}" in errors[0]
    assert "Variables autorisées : {{ deadline }}, {{ reference }}" in errors[0]
    with translation.override("fr"):
        assert "balises" in check_text("{% load static %}{{ title }}", allowed)[0]
        assert "fermée" in check_text("Bonjour {{ title", allowed)[0]
        assert check_text("{{title}} {{  url }}", allowed) == []


# --- Edits used for real emails -----------------------------------------------------------------


def _deliver(django_capture_on_commit_callbacks, recipients, template="expired", context=EXPIRED):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(recipients=recipients, template=template, context=context)


@pytest.mark.django_db
def test_an_edited_email_is_used_for_queued_and_delivered_emails(django_capture_on_commit_callbacks):
    admin = administrator()
    email_template_save(
        name="expired",
        language="fr",
        subject="Délai passé pour {{ reference }}",
        body="Madame, Monsieur,\n\nLe dossier « {{ title }} » n'a pas été déposé avant le {{ deadline }}.\n"
        "Voir {{ site_url }}{{ url }}\n",
        actor=admin,
    )
    _deliver(django_capture_on_commit_callbacks, [UserFactory(preferred_language="fr")])
    assert OutboxEmail.objects.get().state == OutboxEmail.State.SENT
    message = mail.outbox[0]
    assert message.subject.endswith("Délai passé pour CMA-SN-2026-0042")
    assert "Le dossier « Former <au> numérique & santé » n'a pas été déposé avant le 28/02/2027 23:59." in (
        message.body
    )
    html_part = message.alternatives[0][0]
    assert "Former &lt;au&gt; numérique &amp; santé" in html_part and "<au>" not in html_part
    assert '<a href="http' in html_part and "/candidatures/42/" in html_part
    event = AuditEvent.objects.get(verb="email_template_updated")
    assert event.data["name"] == "expired" and event.data["previous"] is None and event.actor == admin


@pytest.mark.django_db
def test_an_english_edit_is_used_for_english_recipients_only(django_capture_on_commit_callbacks):
    email_template_save(
        name="expired",
        language="en",
        subject="Deadline missed: {{ reference }}",
        body="Dear applicant,\n\n{{ title }} was not submitted before {{ deadline }}.\n",
        actor=administrator(),
    )
    english, french = UserFactory(preferred_language="en"), UserFactory(preferred_language="fr")
    _deliver(django_capture_on_commit_callbacks, [english, french])
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert by_recipient[english.email].subject.endswith("Deadline missed: CMA-SN-2026-0042")
    assert "Dear applicant," in by_recipient[english.email].body
    # The French recipient gets the default French files.
    assert "le délai de dépôt du dossier complet est passé" in by_recipient[french.email].subject
    assert "Bonjour," in by_recipient[french.email].body


@pytest.mark.django_db
def test_an_edit_keeps_the_variants_through_its_snippets(django_capture_on_commit_callbacks):
    email_template_save(
        name="decision_notice",
        language="fr",
        subject="Résultat : {{ reference }}",
        body="Chère équipe,\n\n{{ outcome_sentence }}\n\nLettre : {{ letter_url }}\n",
        actor=administrator(),
    )
    context = {
        "title": "Projet",
        "reference": "REF-1",
        "aid_granted": "1 200 000,00",
        "letter_url": "https://x.fr/l.pdf",
    }
    user = UserFactory(preferred_language="fr")
    _deliver(
        django_capture_on_commit_callbacks, [user], "decision_notice", {**context, "outcome": "selected"}
    )
    _deliver(
        django_capture_on_commit_callbacks, [user], "decision_notice", {**context, "outcome": "waitlisted"}
    )
    assert "comme lauréat, avec une aide de 1 200 000,00 €" in mail.outbox[0].body
    assert "en liste complémentaire" in mail.outbox[1].body


@pytest.mark.django_db
def test_the_service_refuses_an_unknown_placeholder_and_saving_the_default_is_no_edit():
    admin = administrator()
    with pytest.raises(PilotageError, match="montant"):
        email_template_save(name="expired", language="fr", subject="x", body="{{ montant }}", actor=admin)
    with translation.override("fr"):
        subject, body = default_texts("expired")
    assert email_template_save(name="expired", language="fr", subject=subject, body=body, actor=admin) is None
    assert not EmailTemplateOverride.objects.exists() and not AuditEvent.objects.exists()


# --- The steering pages -------------------------------------------------------------------------


def _form_data(name="expired", **changes) -> dict:
    data = {}
    for language in ("fr", "en"):
        with translation.override(language):
            data[f"subject_{language}"], data[f"body_{language}"] = default_texts(name)
    return {**data, **changes}


@pytest.mark.django_db
def test_unknown_placeholder_is_refused_on_save_with_the_input_kept(client):
    client.force_login(administrator())
    typed = "Bonjour,\n\nVotre aide de {{ montant }} est confirmée pour {{ title }}.\n"
    response = client.post(
        reverse("pilotage:email_template_edit", args=["expired"]), _form_data(body_fr=typed)
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Variable inconnue : {{ montant }}" in page
    assert (
        "Variables autorisées : {{ deadline }}, {{ reference }}, {{ site_url }}, {{ title }}, {{ url }}"
        in page
    )
    assert typed.strip() in page.replace("\r\n", "\n")
    assert not EmailTemplateOverride.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_template_tag_is_refused_on_save(client):
    client.force_login(administrator())
    response = client.post(
        reverse("pilotage:email_template_edit", args=["expired"]),
        _form_data(subject_en="{% include 'secret.txt' %}"),
    )
    assert response.status_code == 400
    assert "ne sont pas autorisées" in html.unescape(response.content.decode())
    assert not EmailTemplateOverride.objects.exists()


@pytest.mark.django_db
def test_edit_saves_only_the_language_changed_and_reset_restores_the_default(
    client, django_capture_on_commit_callbacks
):
    admin = administrator()
    client.force_login(admin)
    url = reverse("pilotage:email_template_edit", args=["expired"])
    page = html.unescape(client.get(url).content.decode())
    assert "{{ reference }}" in page and "par défaut" in page
    response = client.post(url, _form_data(subject_fr="Délai passé : {{ reference }}"))
    assert response.status_code == 302
    edit = EmailTemplateOverride.objects.get()
    assert (edit.language, edit.subject, edit.version, edit.updated_by) == (
        "fr",
        "Délai passé : {{ reference }}",
        1,
        admin,
    )
    assert "modifié" in client.get(reverse("pilotage:email_templates")).content.decode()

    reset = reverse("pilotage:email_template_reset", args=["expired", "fr"])
    assert "Confirmer le retour au texte par défaut" in client.get(reset).content.decode()
    assert EmailTemplateOverride.objects.exists()  # a GET changes nothing
    assert client.post(reset).status_code == 302
    assert not EmailTemplateOverride.objects.exists()
    event = AuditEvent.objects.get(verb="email_template_reset")
    assert event.data["removed"]["subject"] == "Délai passé : {{ reference }}"
    _deliver(django_capture_on_commit_callbacks, [UserFactory(preferred_language="fr")])
    assert "le délai de dépôt du dossier complet est passé" in mail.outbox[0].subject
    assert email_template_reset(name="expired", language="fr", actor=admin) is False


@pytest.mark.django_db
def test_preview_renders_the_typed_text_on_sample_data_and_saves_nothing(client):
    client.force_login(administrator())
    response = client.post(
        reverse("pilotage:email_template_edit", args=["decision_notice"]),
        _form_data("decision_notice", subject_fr="Votre résultat {{ reference }}", preview="1"),
    )
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Votre résultat CMA-SN-2026-0042" in page  # French, edited
    assert "Décision sur votre dossier CMA-SN-2026-0042" in page or "Decision" in page  # English
    assert "comme lauréat, avec une aide de 1 200 000,00 €" in page  # the snippet, on sample data
    assert "Votre résultat {{ reference }}" in page  # the form keeps the input
    assert not EmailTemplateOverride.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_unknown_email_is_404(client):
    client.force_login(administrator())
    assert client.get(reverse("pilotage:email_template_edit", args=["nope"])).status_code == 404
    assert client.get(reverse("pilotage:email_template_reset", args=["expired", "de"])).status_code == 404


@pytest.mark.django_db
def test_list_runs_the_same_queries_with_no_edit_and_with_every_email_edited(client):
    admin = administrator()
    client.force_login(admin)
    url = reverse("pilotage:email_templates")
    client.get(url, {"per_page": "50"})

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"per_page": "50"})
        assert response.status_code == 200
        return len(ctx), response.content.decode()

    none, page = count()
    assert page.count("par défaut") >= 2 * len(EDITABLE_EMAILS)
    EmailTemplateOverride.objects.bulk_create(
        EmailTemplateOverride(name=name, language=language, subject="s", body="b", updated_by=admin)
        for name in EDITABLE_EMAILS
        for language in ("fr", "en")
    )
    every, page = count()
    assert none == every <= 12, (none, every)
    assert page.count(f"par {admin.email}") == 2 * len(EDITABLE_EMAILS)


@pytest.mark.django_db
def test_an_edit_saved_in_between_is_not_overwritten(client):
    """Two administrators open the same email; the second to save is refused, text kept."""
    first, second = administrator(), administrator()
    url = reverse("pilotage:email_template_edit", args=["expired"])
    data = _form_data(version_fr="0", version_en="0")
    client.force_login(first)
    assert client.post(url, {**data, "subject_fr": "Premier : {{ reference }}"}).status_code == 302
    client.force_login(second)
    response = client.post(url, {**data, "subject_fr": "Second : {{ reference }}"})
    assert response.status_code == 409
    page = html.unescape(response.content.decode())
    assert "a été modifié entre-temps" in page and first.email in page
    assert "Second : {{ reference }}" in page
    edit = EmailTemplateOverride.objects.get()
    assert (edit.subject, edit.version, edit.updated_by) == ("Premier : {{ reference }}", 1, first)
    # Reloaded, the page carries version 1 and the second administrator's save goes through.
    assert 'name="version_fr" value="1"' in client.get(url).content.decode()
    data["version_fr"] = "1"
    assert client.post(url, {**data, "subject_fr": "Second : {{ reference }}"}).status_code == 302
    assert EmailTemplateOverride.objects.get().version == 2
