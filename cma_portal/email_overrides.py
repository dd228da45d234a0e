"""Emails edited by administrators (issue 15): checking an edited text, rendering it, and the
default text an edit starts from.

An edited email is plain text (a subject and a body) in one language, with placeholders written
`{{ name }}` among those the template's context carries (`email_registry`). Nothing else of the
template language is accepted: no `{% %}` tag, no filter, no attribute lookup — so an edited text
can neither run code nor read more than its context. Rendering is a substitution of the allowed
names, not a Django template: the subject and text bodies get the values as they are, the HTML
part is the text escaped (values included), with its line breaks and links, in a plain layout
(`templates/emails/override.html`). The HTML of the default files is used only when no edit
exists for the recipient's language.
"""

import re

from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils.html import linebreaks, urlize
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cma_portal.email_registry import COMMON, EDITABLE_EMAILS

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
ANY_BRACES = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
TAGS = ("{%", "%}", "{#", "#}")


def braced(name: str) -> str:
    """`{{ name }}`: a placeholder as administrators write it."""
    return "{{ " + name + " }}"


def check_text(text: str, allowed: list[str]) -> list[str]:
    """French messages (in the active language) for what `text` may not contain; [] if fine."""
    errors = []
    if any(tag in text for tag in TAGS):
        errors.append(
            _(
                "Les balises « {% … %} » et « {# … #} » ne sont pas autorisées : écrivez seulement du "
                "texte et des variables « {{ nom }} »."
            )
        )
    unknown = []
    for match in ANY_BRACES.finditer(text):
        inner = match.group(1).strip()
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", inner) or inner not in allowed:
            unknown.append(braced(inner))
    if unknown:
        errors.append(
            _("Variable inconnue : %(unknown)s. Variables autorisées : %(allowed)s.")
            % {
                "unknown": ", ".join(dict.fromkeys(unknown)),
                "allowed": ", ".join(braced(name) for name in allowed),
            }
        )
    rest = ANY_BRACES.sub("", text)
    if not errors and ("{{" in rest or "}}" in rest):
        errors.append(_("Une variable n'est pas fermée : écrivez-la « {{ nom }} »."))
    return errors


def substitute(text: str, values: dict) -> str:
    """Replace each `{{ name }}` with its value (an empty string for a value left out)."""
    return PLACEHOLDER.sub(lambda m: _as_text(values.get(m.group(1), "")), text)


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def render_plain(name: str, context: dict) -> str:
    """Render a plain-text template without HTML escaping: a wave called « Vague d'automne »
    must reach the subject and text body as typed, not as `d&#x27;automne`."""
    return get_template(name).template.render(Context(context, autoescape=False))


def with_snippets(template: str, context: dict) -> dict:
    """The context with the template's computed placeholders, rendered in the active language."""
    entry = EDITABLE_EMAILS.get(template)
    if entry is None or not entry.snippets:
        return context
    computed = {name: render_plain(path, context).strip() for name, path in entry.snippets.items()}
    return {**context, **computed}


def render_override(subject: str, body: str, context: dict) -> tuple[str, str, str]:
    """Subject, text and HTML of an edited email (the active language is the recipient's)."""
    subject = " ".join(substitute(subject, context).split())
    text = substitute(body.replace("\r\n", "\n"), context)
    html = render_to_string(
        "emails/override.html",
        # urlize escapes the text (values included) before it adds the links.
        {"lang": get_language(), "body": mark_safe(linebreaks(urlize(text, autoescape=True)))},  # noqa: S308
    )
    return subject, text, html


class _Placeholder(str):
    """A context value that renders as its own placeholder, `{{ name }}`."""

    def __new__(cls, name: str):
        return super().__new__(cls, braced(name))


class _CountPlaceholder(int):
    """A count's placeholder: a number for `{% blocktranslate count %}` (the plural form), shown
    as `{{ name }}`."""

    def __new__(cls, name: str):
        obj = super().__new__(cls, 2)
        obj.placeholder = braced(name)
        return obj

    def __str__(self):
        return self.placeholder

    __format__ = lambda self, spec: self.placeholder  # noqa: E731 — localisation formats numbers


def default_texts(template: str) -> tuple[str, str]:
    """The default subject and text body of `template` in the active language, with
    placeholders instead of values: what an edit starts from, and what a reset goes back to."""
    entry = EDITABLE_EMAILS[template]
    context: dict = {}
    for name, sample in {**COMMON, **entry.placeholders}.items():
        is_count = isinstance(sample, int) and not isinstance(sample, bool)
        context[name] = _CountPlaceholder(name) if is_count else _Placeholder(name)
    for name in entry.snippets:
        context[name] = _Placeholder(name)
    subject = " ".join(render_plain(f"emails/{template}_subject.txt", context).split())
    body = render_plain(f"emails/{template}.txt", context).strip() + "\n"
    return subject, re.sub(r"\n{3,}", "\n\n", body)
