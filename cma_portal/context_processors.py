from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cma_portal import roles

# Staff areas in the main menu: (URL name, label, capability). Areas not built yet are skipped.
STAFF_NAV = (
    ("instruction:letters", _("Instruction"), "screen_letters"),
    ("selection:dossiers", _("Sélection"), "assign_reviewers"),
    ("evaluation:queue", _("Évaluation"), "review"),
    ("pilotage:dashboard", _("Pilotage"), "view_dashboard"),
)


def portal(request):
    """Role flags and the staff menu, computed once per request."""
    user = getattr(request, "user", None)
    user_roles = roles.user_roles(user) if user is not None else frozenset()
    nav = []
    for url_name, label, capability in STAFF_NAV:
        if user is not None and roles.may(user, capability):
            url = reverse(url_name)
            nav.append({"url": url, "label": label, "current": request.path.startswith(url)})
    return {
        "is_programme_manager": roles.PROGRAMME_MANAGER in user_roles or roles.ADMINISTRATOR in user_roles,
        "is_reviewer": roles.REVIEWER in user_roles,
        "is_administrator": roles.ADMINISTRATOR in user_roles,
        "staff_nav": nav,
    }
