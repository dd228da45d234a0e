"""Messages to many (`/instruction/messages-groupes/`): a programme manager filters the staff
list, writes one message, previews the recipient count, then sends it to every matching
application (each copy in the application's thread and history, emailed through the outbox)."""

import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from dsfr.forms import DsfrBaseForm

from applications.errors import TransitionError
from applications.filters import ScreeningFilter
from applications.selectors.staff import screening_applications
from applications.services.bulk_messages import bulk_message_send
from applications.services.messages import MAX_BODY_LENGTH
from cma_portal import roles

SAMPLE_SIZE = 20


class BulkMessageForm(DsfrBaseForm):
    body = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "Envoyé aux porteurs et co-éditeurs de chaque candidature retenue par le filtre."
        ),
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)


@login_required
def bulk_message(request):
    if not roles.may(request.user, "screen_letters"):
        raise PermissionDenied
    filterset = ScreeningFilter(request.GET or None, queryset=screening_applications())
    form = BulkMessageForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        if "send" in request.POST and token:
            filters = {k: v for k, v in request.GET.items() if k not in ("page", "o")}
            try:
                bulk = bulk_message_send(
                    author=request.user,
                    applications=filterset.qs,
                    body=form.cleaned_data["body"],
                    token=token,
                    filters=filters,
                )
            except TransitionError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("Message envoyé à %(count)d candidature(s).") % {"count": bulk.recipient_count},
                )
            return redirect(
                reverse("instruction:letters") + (f"?{request.GET.urlencode()}" if request.GET else "")
            )
        matching = filterset.qs
        preview = {
            "count": matching.count(),
            "sample": list(matching[:SAMPLE_SIZE]),
            "token": secrets.token_urlsafe(24),
        }
    return render(
        request,
        "applications/staff/bulk_message.html",
        {
            "title": _("Message à plusieurs candidatures"),
            "filter": filterset,
            "form": form,
            "preview": preview,
            "query": request.GET.urlencode(),
        },
        status=400 if form.errors else 200,
    )
