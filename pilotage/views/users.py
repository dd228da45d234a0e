"""Users and roles: the list, invitations, roles, activation."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cma_portal import roles
from cma_portal.models import User
from pilotage import selectors, services
from pilotage.forms import ROLE_LABELS, InvitationForm, UserRolesForm
from pilotage.views.access import capability_required


@capability_required("manage_users")
def user_list(request):
    query = request.GET.get("q", "")
    paginator = Paginator(selectors.users_with_roles(query=query), USERS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    page.pages_list = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    page.object_list = list(page.object_list)
    for user in page.object_list:
        user.role_labels = [ROLE_LABELS[g.name] for g in user.staff_groups]
    return render(
        request,
        "pilotage/user_list.html",
        {
            "title": _("Utilisateur·rices et rôles"),
            "page_obj": page,
            "query": query,
            "invitations": selectors.pending_invitations(),
            "now": timezone.now(),
        },
    )


@capability_required("manage_users")
@require_http_methods(["GET", "POST"])
def user_invite(request):
    form = InvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.invitation_create(
            actor=request.user, email=data["email"], role=data["role"], actions=list(data["actions"])
        )
        messages.success(request, _("Invitation envoyée à %(email)s.") % {"email": data["email"]})
        return redirect("pilotage:users")
    return render(
        request, "pilotage/user_invite.html", {"title": _("Inviter un membre de l'équipe"), "form": form}
    )


@capability_required("manage_users")
@require_http_methods(["GET", "POST"])
def user_roles(request, pk):
    target = get_object_or_404(User, pk=pk)
    current = list(target.groups.filter(name__in=roles.STAFF_ROLES).values_list("name", flat=True))
    form = UserRolesForm(request.POST if request.method == "POST" else None, initial={"staff_roles": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_roles(
                user=target, staff_roles=set(form.cleaned_data["staff_roles"]), actor=request.user
            )
        except services.PilotageError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Rôles enregistrés pour %(email)s.") % {"email": target.email})
            return redirect("pilotage:users")
    return render(
        request,
        "pilotage/user_roles.html",
        {"title": _("Rôles — %(email)s") % {"email": target.email}, "form": form, "target": target},
    )


@capability_required("manage_users")
@require_POST
def user_set_active(request, pk):
    target = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(user=target, active=active, actor=request.user)
    except services.PilotageError as error:
        messages.error(request, str(error.message))
    else:
        if active:
            messages.success(request, _("Le compte %(email)s est réactivé.") % {"email": target.email})
        else:
            messages.success(
                request,
                _("Le compte %(email)s est désactivé ; ses candidatures et dépôts sont conservés.")
                % {"email": target.email},
            )
    return redirect("pilotage:users")


USERS_PER_PAGE = 50
