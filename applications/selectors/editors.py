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
