"""Email sending. Each email is a template triple under `templates/emails/`:
`<name>_subject.txt`, `<name>.txt` and `<name>.html`, rendered in the recipient's language.

Services call `queue_email`, which sends through a Celery task once the transaction commits
(eager in the embedded default). The task retries transient SMTP errors with backoff.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
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


def queue_email(*, recipients, template: str, context: dict) -> None:
    """Send `template` to each recipient (users or email strings) after commit.

    `context` must be JSON-serialisable: it travels through the broker.
    """
    from cma_portal.tasks import send_email_task

    User = get_user_model()
    targets: list[tuple[str, str]] = []
    seen: set[str] = set()
    for recipient in recipients:
        if isinstance(recipient, User):
            if not recipient.is_active:
                continue
            email, language = recipient.email, recipient.preferred_language
        else:
            email, language = str(recipient), "fr"
        if email.lower() in seen:
            continue
        seen.add(email.lower())
        targets.append((email, language))

    def _send():
        for email, language in targets:
            send_email_task.delay(to=email, template=template, context=context, language=language)

    transaction.on_commit(_send)
