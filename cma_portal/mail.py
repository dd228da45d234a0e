"""Rendering and sending one email now: a template triple under `templates/emails/`
(`<name>_subject.txt`, `<name>.txt`, `<name>.html`) in the recipient's language, through
Django's mail system. Callers queue emails with `cma_portal.emails.queue_email`; the outbox
(`cma_portal.outbox`) calls `send_email_now`.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import translation


def _render_plain(name: str, context: dict) -> str:
    """Render a plain-text template without HTML escaping: a wave called « Vague d'automne »
    must reach the subject and text body as typed, not as `d&#x27;automne`."""
    return get_template(name).template.render(Context(context, autoescape=False))


def render_email(template: str, context: dict, language: str = "fr") -> tuple[str, str, str]:
    ctx = {"site_url": settings.SITE_URL, **context}
    with translation.override(language or "fr"):
        subject = _render_plain(f"emails/{template}_subject.txt", ctx).strip()
        text = _render_plain(f"emails/{template}.txt", ctx)
        html = render_to_string(f"emails/{template}.html", ctx)
    return " ".join(subject.split()), text, html


def send_email_now(*, to: str, template: str, context: dict, language: str = "fr") -> None:
    subject, text, html = render_email(template, context, language)
    message = EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}", body=text, to=[to]
    )
    message.attach_alternative(html, "text/html")
    message.send()
