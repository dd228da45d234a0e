"""Who receives what concerns an application: its editors."""

from applications.models import Application


def application_editors(application: Application) -> list:
    """The owner and the accepted co-editors (users): who receives what concerns the
    application (transitions, staff messages, decisions)."""
    editors = [application.owner]
    editors += [
        c.user
        for c in application.collaborators.select_related("user").filter(
            user__isnull=False, accepted_at__isnull=False
        )
    ]
    return editors


def editors_by_language(application: Application) -> dict[str, list[str]]:
    """The active editors' addresses by preferred language (the owner's first): one email
    preview per language before a decision is sent."""
    found: dict[str, list[str]] = {}
    for user in application_editors(application):
        if user.is_active:
            found.setdefault(user.preferred_language or "fr", []).append(user.email)
    return found
