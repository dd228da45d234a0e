"""Submitting the full dossier: the checklist page and the submission itself."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from applications.errors import TransitionError
from applications.models import Application
from applications.selectors.access import is_editor
from applications.selectors.dossier import (
    dossier_documents,
    dossier_missing_items,
    dossier_refusal,
    format_paris,
)
from applications.services.dossier import (
    dossier_submit,
)
from applications.snapshots import budget_totals
from applications.states import State
from applications.views.dossier import deadline_info, get_dossier


@login_required
@require_http_methods(["GET", "POST"])
def submit(request, pk: int):
    application = get_dossier(request, pk)
    if not is_editor(request.user, application):
        raise PermissionDenied
    if application.state != State.DOSSIER_DRAFT:
        if application.dossier_submitted_at:
            messages.info(
                request,
                _("Ce dossier a déjà été déposé le %(at)s : rien de plus à faire.")
                % {"at": format_paris(application.dossier_submitted_at)},
            )
        else:
            messages.error(request, dossier_refusal(application))
        return redirect("applications:dossier", pk=pk)
    if request.method == "POST":
        try:
            submission = dossier_submit(application=application, actor=request.user)
        except TransitionError as exc:
            fresh = Application.objects.get(pk=pk)
            if fresh.state == State.DOSSIER_SUBMITTED:
                # A double click: the first request already submitted.
                messages.info(
                    request,
                    _("Ce dossier a déjà été déposé le %(at)s : rien de plus à faire.")
                    % {"at": format_paris(fresh.dossier_submitted_at)},
                )
                return redirect("applications:dossier", pk=pk)
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Votre dossier complet a été déposé le %(at)s. Référence : %(reference)s.")
                % {"at": format_paris(submission.submitted_at), "reference": application.reference},
            )
            return redirect("applications:dossier", pk=pk)
    documents = dossier_documents(application)
    context = {
        "title": _("Déposer le dossier complet"),
        "application": application,
        "missing": dossier_missing_items(application, documents=documents),
        "deadline": deadline_info(application),
        "totals": {k: Decimal(v) for k, v in budget_totals(application).items()},
        "documents": documents,
    }
    return render(request, "applications/dossier_submit.html", context)
