"""Role-scoped reads. Views fetch an application through one accessor, `application_access_for`
(or `get_application_for` when they only need the object): it returns the application the user
may see, with what they may do with it, or raises 404 / PermissionDenied."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from applications.models import Application
from applications.workflow import EDITOR, OWNER, STAFF, SYSTEM, Transition, available_transitions
from cma_portal import roles

# Capabilities a staff page may ask about an application (besides its transitions).
APPLICATION_CAPABILITIES = ("screen_letters", "decide", "extend_deadline", "export", "assign_reviewers")


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


def actor_kinds(application: Application, user, *, staff_side: bool = False) -> set[str]:
    """What `user` is to `application`, in the vocabulary of the workflow table. On a staff page
    (`staff_side`) only the staff kind matters, so the co-editor check is skipped."""
    if user is None:
        return {SYSTEM}
    kinds: set[str] = set()
    if application.owner_id == user.pk:
        kinds |= {OWNER, EDITOR}
    elif not staff_side and application.collaborators.filter(user=user, accepted_at__isnull=False).exists():
        kinds.add(EDITOR)
    if roles.may(user, "screen_letters"):
        kinds.add(STAFF)
    return kinds


@dataclass(frozen=True)
class ApplicationAccess:
    """An application and what one user may do with it: the transitions of the workflow table
    they may apply from its current state, and their capabilities on it. Views and templates
    ask `may(...)`; the rule itself is written once, in the table and in `roles`."""

    application: Application
    kinds: frozenset[str]
    capabilities: frozenset[str]
    transitions: tuple[Transition, ...]

    def may(self, action: str) -> bool:
        """`action` is a transition name ("go") or a capability ("extend_deadline")."""
        return action in self.capabilities or any(t.name == action for t in self.transitions)


def application_access_for(user, pk: int, *, staff_only: bool = False) -> ApplicationAccess:
    """The application `pk` and what `user` may do with it; 404 when they may not see it,
    PermissionDenied on a staff page (`staff_only`) without the staff capability (which needs a
    session that passed the second factor)."""
    application = get_application_for(user, pk, staff_only=staff_only)
    kinds = frozenset(actor_kinds(application, user, staff_side=staff_only))
    return ApplicationAccess(
        application=application,
        kinds=kinds,
        capabilities=frozenset(c for c in APPLICATION_CAPABILITIES if roles.may(user, c)),
        transitions=tuple(available_transitions(application.state, set(kinds))),
    )
