"""Rendering and sending one email now: a template triple under `templates/emails/`
(`<name>_subject.txt`, `<name>.txt`, `<name>.html`) in the recipient's language, through
Django's mail system — or, when an administrator edited that email in that language, the edited
subject and text (`email_overrides`; the HTML part is then the edited text in a plain layout).
Callers queue emails with `cma_portal.emails.queue_email`; the outbox (`cma_portal.outbox`)
calls `send_email_now`.
"""

import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from cma_portal.email_overrides import render_override, render_plain, with_snippets
from cma_portal.models import EmailTemplateOverride

STORED = object()  # `override` default: what the database holds for this email and language


def render_email(
    template: str, context: dict, language: str = "fr", *, override=STORED
) -> tuple[str, str, str]:
    """Subject, text and HTML of `template` for `context` in `language`.

    `override`: by default the edited version stored for (template, language) if any; `None`
    for the default files; a (subject, body) pair to preview an edit not saved yet."""
    language = language or "fr"
    ctx = {"site_url": settings.SITE_URL, **context}
    if override is STORED:
        stored = EmailTemplateOverride.objects.filter(name=template, language=language).first()
        override = (stored.subject, stored.body) if stored else None
    with translation.override(language):
        ctx = with_snippets(template, ctx)
        if override is not None:
            return render_override(override[0], override[1], ctx)
        subject = render_plain(f"emails/{template}_subject.txt", ctx).strip()
        text = render_plain(f"emails/{template}.txt", ctx)
        html = render_to_string(f"emails/{template}.html", ctx)
    return " ".join(subject.split()), text, html


def email_preview(template: str, context: dict, language: str, *, override=STORED) -> dict:
    """An email as its recipient will read it, for a page that shows it before it is sent:
    subject, text, and the HTML part's body (safe: rendered with autoescape, or escaped text)."""
    subject, text, html = render_email(template, context, language, override=override)
    found = re.search(r"<body[^>]*>(.*)</body>", html, re.DOTALL)
    body = mark_safe(found.group(1) if found else html)  # noqa: S308 — escaped when rendered
    return {"language": language, "subject": subject, "text": text, "html": body}


def send_email_now(*, to: str, template: str, context: dict, language: str = "fr") -> None:
    subject, text, html = render_email(template, context, language)
    message = EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}", body=text, to=[to]
    )
    message.attach_alternative(html, "text/html")
    message.send()
