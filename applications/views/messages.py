"""The applicant side of an application's message thread: `/candidatures/<pk>/messages/`.

Programme managers use the same thread on the staff detail page (`staff_views`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from applications.downloads import document_response
from applications.errors import TransitionError
from applications.forms.staff import MessageForm
from applications.models import Document
from applications.selectors.access import get_application_for, is_editor
from applications.selectors.staff import format_deadline, thread_messages
from applications.services import messages as message_services
from cma_portal import roles


def _applicant_application(request, pk):
    """The application if the user is its owner or an accepted co-editor; staff who reach this
    page are sent to the staff page; everyone else gets 404."""
    application = get_application_for(request.user, pk)
    if not is_editor(request.user, application):
        if roles.may(request.user, "screen_letters"):
            return application, redirect(reverse("instruction:detail", args=[application.pk]) + "#messages")
        raise Http404
    return application, None


@login_required
@require_http_methods(["GET", "POST"])
def thread(request, pk):
    application, elsewhere = _applicant_application(request, pk)
    if elsewhere:
        return elsewhere
    status = 200
    if request.method == "POST":
        form = MessageForm(
            request.POST,
            request.FILES,
            prefix="message",
            allow_macros=application.wave.call.allow_macro_workbooks,
        )
        if form.is_valid():
            try:
                message_services.message_post(
                    application=application,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    attachments=form.cleaned_data["attachments"],
                    as_staff=False,
                )
            except TransitionError as error:
                messages.error(request, str(error.message))
            else:
                messages.success(request, _("Votre message a été envoyé aux chargés de programme."))
                return redirect(reverse("applications:messages", args=[application.pk]) + "#fin")
        status = 400
    else:
        form = MessageForm(prefix="message")
    return render(
        request,
        "applications/messages.html",
        {
            "title": _("Messages — %(label)s") % {"label": application},
            "application": application,
            "thread_messages": thread_messages(application),
            "message_form": form,
            "staff_side": False,
            "dossier_deadline_date": format_deadline(application.dossier_deadline),
        },
        status=status,
    )


@login_required
def attachment(request, pk, document_pk):
    """A message attachment, for the application's applicants (and staff)."""
    application = get_application_for(request.user, pk)
    if not (is_editor(request.user, application) or roles.may(request.user, "screen_letters")):
        raise Http404
    try:
        doc = application.documents.get(pk=document_pk, kind=Document.Kind.ATTACHMENT, message__isnull=False)
    except Document.DoesNotExist:
        raise Http404 from None
    return document_response(doc)
