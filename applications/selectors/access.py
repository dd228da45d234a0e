"""Role-scoped reads. Views fetch applications only through `get_application_for`."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from applications.models import Application
from cma_portal import roles


def applications_visible_to(user) -> QuerySet[Application]:
    """Applications `user` may open: staff see all; applicants their own and those they co-edit.

    Reviewers see dossiers through `reviews.selectors`, not here.
    """
    qs = Application.objects.all()
    if roles.may(user, "screen_letters"):
        return qs
    return qs.filter(
        Q(owner=user) | Q(collaborators__user=user, collaborators__accepted_at__isnull=False)
    ).distinct()


def get_application_for(user, pk: int, *, for_update: bool = False, staff_only: bool = False) -> Application:
    """The application `pk` if `user` may see it. 404 otherwise, so that another applicant cannot
    even learn that it exists; PermissionDenied when `staff_only` and the user is an applicant
    who may see it (their own application, on a staff page)."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    qs = applications_visible_to(user).select_related("wave__call", "owner", "lead_organisation")
    try:
        application = qs.get(pk=pk)
    except Application.DoesNotExist:
        raise Http404 from None
    if staff_only and not roles.may(user, "screen_letters"):
        raise PermissionDenied
    return application


def is_editor(user, application: Application) -> bool:
    """Owner or accepted co-editor."""
    if application.owner_id == user.pk:
        return True
    return application.collaborators.filter(user=user, accepted_at__isnull=False).exists()


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
