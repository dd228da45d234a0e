"""Resubmission after a NO GO (`/candidatures/<pk>/redeposer/`): the owner picks a wave that
accepts letters, and a new draft prefilled from the rejected letter opens beside the
recommendations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from applications.errors import TransitionError
from applications.forms.letters import NewLetterForm
from applications.selectors.access import get_application_for
from applications.services.resubmission import letter_resubmit, may_resubmit
from waves.selectors import waves_open_at


@login_required
def resubmit(request, pk):
    application = get_application_for(request.user, pk)
    if application.owner_id != request.user.pk:
        raise PermissionDenied
    if not may_resubmit(request.user, application):
        messages.info(request, _("Seule une candidature ayant reçu un NO GO peut être redéposée."))
        return redirect(application.get_absolute_url())
    waves = waves_open_at()
    form = NewLetterForm(request.POST or None, waves=waves)
    if request.method == "POST" and form.is_valid():
        try:
            draft = letter_resubmit(user=request.user, source=application, wave=form.cleaned_data["wave"])
        except TransitionError as error:
            form.add_error("wave", error.message)
        else:
            messages.success(
                request,
                _(
                    "Nouvelle lettre créée à partir de la précédente. Tenez compte des recommandations, "
                    "joignez la lettre révisée puis déposez-la."
                ),
            )
            return redirect("applications:letter_edit", pk=draft.pk)
    return render(
        request,
        "applications/resubmit.html",
        {
            "title": _("Redéposer la lettre d'intention"),
            "application": application,
            "form": form,
            "waves": waves,
        },
        status=400 if form.errors else 200,
    )
