"""The applicant's move of a letter draft to another wave (POST only)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from dsfr.forms import DsfrBaseForm

from applications.selectors.access import get_application_for, is_editor
from applications.services.waves import WaveMoveError, letter_move_wave, waves_accepting


class WaveMoveForm(DsfrBaseForm):
    wave = forms.TypedChoiceField(label=_("Vague ouverte"), coerce=int)

    def __init__(self, *args, waves, **kwargs):
        super().__init__(*args, **kwargs)
        self.waves = {wave.pk: wave for wave in waves}
        self.fields["wave"].choices = [(wave.pk, wave.name) for wave in waves]


def move_form(application):
    """The form offered on the letter and application pages, None when no wave would do."""
    waves = waves_accepting(application)
    return WaveMoveForm(waves=waves, prefix="move") if waves else None


@login_required
@require_POST
def letter_move(request, pk):
    application = get_application_for(request.user, pk)
    if not is_editor(request.user, application):
        raise PermissionDenied
    form = WaveMoveForm(request.POST, waves=waves_accepting(application), prefix="move")
    if not form.is_valid():
        messages.error(request, _("Choisissez une vague qui accepte les lettres d'intention."))
        return redirect(application.get_absolute_url())
    wave = form.waves[form.cleaned_data["wave"]]
    try:
        letter_move_wave(application=application, wave=wave, actor=request.user)
    except WaveMoveError as exc:
        messages.error(request, exc.message)
        return redirect(application.get_absolute_url())
    messages.success(
        request,
        _("La lettre d'intention est maintenant dans la vague « %(wave)s » : vous pouvez la déposer.")
        % {"wave": wave.name},
    )
    return redirect("applications:letter_edit", pk=application.pk)
