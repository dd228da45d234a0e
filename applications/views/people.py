"""Organisations and co-editors: an applicant's organisations, the co-editors of an application, invitations."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.forms.letters import (
    InvitationForm,
    OrganisationForm,
)
from applications.models import Collaborator
from applications.selectors import applicant as reads
from applications.selectors.access import get_application_for
from applications.services.people import (
    CollaborationError,
    collaborator_accept,
    collaborator_invite,
    collaborator_remove,
    organisation_create,
    organisation_update,
)
from applications.views.applicant import require_editor


@login_required
def organisation_new(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = organisation_create(user=request.user, data=form.cleaned_data)
        messages.success(request, _("Organisation « %(name)s » créée.") % {"name": organisation.name})
        return redirect(request.GET.get("next") if _safe_next(request) else organisation.get_absolute_url())
    return render(
        request, "applications/organisation_form.html", {"title": _("Nouvelle organisation"), "form": form}
    )


def _safe_next(request) -> bool:
    target = request.GET.get("next", "")
    return target.startswith("/candidatures/") and "//" not in target


@login_required
def organisation_edit(request, pk):
    organisation = reads.get_organisation_for(request.user, pk)
    if not organisation.memberships.filter(user=request.user).exists():
        raise PermissionDenied
    initial = {name: getattr(organisation, name) for name in OrganisationForm.base_fields}
    form = OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        organisation_update(organisation=organisation, user=request.user, data=form.cleaned_data)
        messages.success(request, _("Organisation enregistrée."))
        return redirect(organisation.get_absolute_url())
    return render(
        request,
        "applications/organisation_form.html",
        {"title": _("Modifier l'organisation"), "form": form, "organisation": organisation},
    )


@login_required
def organisation_detail(request, pk):
    organisation = reads.get_organisation_for(request.user, pk)
    return render(
        request,
        "applications/organisation_detail.html",
        {
            "title": organisation.name,
            "organisation": organisation,
            "applications": list(reads.organisation_applications(request.user, organisation)),
            "is_member": organisation.memberships.filter(user=request.user).exists(),
        },
    )


@login_required
def collaborators(request, pk):
    application = get_application_for(request.user, pk)
    require_editor(request.user, application)
    is_owner = application.owner_id == request.user.pk
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        if not is_owner:
            raise PermissionDenied
        if form.is_valid():
            try:
                collaborator_invite(
                    application=application, email=form.cleaned_data["email"], invited_by=request.user
                )
            except CollaborationError as error:
                form.add_error("email", error.message)
            else:
                messages.success(
                    request, _("Invitation envoyée à %(email)s.") % {"email": form.cleaned_data["email"]}
                )
                return redirect("applications:collaborators", pk=application.pk)
    return render(
        request,
        "applications/collaborators.html",
        {
            "title": _("Co-éditeurs"),
            "application": application,
            "collaborators": list(application.collaborators.select_related("user").order_by("invited_at")),
            "form": form,
            "is_owner": is_owner,
        },
    )


@login_required
@require_POST
def collaborator_delete(request, pk, collaborator_id):
    application = get_application_for(request.user, pk)
    collaborator = get_object_or_404(Collaborator, pk=collaborator_id, application=application)
    try:
        collaborator_remove(collaborator=collaborator, user=request.user)
    except CollaborationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(email)s ne co-édite plus cette candidature.") % {"email": collaborator.email}
        )
    return redirect("applications:collaborators", pk=application.pk)


def invitation(request, token):
    """The co-editing invitation. A logged-out invitee lands here too (the token is the
    credential, as for staff invitations) and is offered to sign up or log in, then comes back."""
    collaborator = (
        Collaborator.objects.select_related("application", "invited_by").filter(token=token).first()
    )
    if collaborator is None:
        raise Http404
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        here = quote(request.get_full_path())
        return render(
            request,
            "applications/invitation.html",
            {
                "title": _("Invitation à co-éditer une candidature"),
                "collaborator": collaborator,
                "signup_url": f"{reverse('account_signup')}?next={here}",
                "login_url": f"{reverse('account_login')}?next={here}",
            },
        )
    if request.method == "POST":
        try:
            collaborator_accept(token=token, user=request.user)
        except CollaborationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Vous co-éditez désormais cette candidature."))
            return redirect(collaborator.application.get_absolute_url())
    return render(
        request,
        "applications/invitation.html",
        {"title": _("Invitation à co-éditer une candidature"), "collaborator": collaborator},
    )
