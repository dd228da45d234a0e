"""Steering pages: the waves of the call (list, create, edit, open, extend, close early).

Every view checks a capability of `cma_portal.roles`; state changes are POST only and go
through `waves.services` or `pilotage.services`.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pilotage import selectors
from pilotage.views.access import capability_required
from waves import services as wave_services
from waves.forms import WaveCloseForm, WaveExtendForm, WaveForm
from waves.models import Wave

# Dashboard ---------------------------------------------------------------------------------


# Waves -------------------------------------------------------------------------------------


@capability_required("manage_waves")
def wave_list(request):
    return render(
        request,
        "pilotage/wave_list.html",
        {"title": _("Vagues"), "waves": selectors.waves_for_admin(), "now": timezone.now()},
    )


def _wave_kwargs(form):
    data = form.cleaned_data
    return {
        "name_fr": data["name_fr"],
        "name_en": data["name_en"],
        "mode": data["mode"],
        "opens_at": data["opens_at"],
        "closes_at": data["closes_at"],
        "actions": list(data["actions"]),
        "budget_envelope": data["budget_envelope"],
        "committee_date": data["committee_date"],
    }


@capability_required("manage_waves")
@require_http_methods(["GET", "POST"])
def wave_create(request):
    form = WaveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        wave = wave_services.wave_create(actor=request.user, **_wave_kwargs(form))
        messages.success(request, _("La vague « %(name)s » est créée.") % {"name": wave.name})
        return redirect("pilotage:waves")
    return render(request, "pilotage/wave_form.html", {"title": _("Nouvelle vague"), "form": form})


@capability_required("manage_waves")
@require_http_methods(["GET", "POST"])
def wave_edit(request, pk):
    wave = get_object_or_404(Wave.objects.with_call(), pk=pk)
    form = WaveForm(request.POST if request.method == "POST" else None, instance=wave)
    if request.method == "POST" and form.is_valid():
        wave_services.wave_update(wave=wave, actor=request.user, **_wave_kwargs(form))
        messages.success(request, _("La vague est enregistrée."))
        return redirect("pilotage:waves")
    return render(
        request,
        "pilotage/wave_form.html",
        {
            "title": _("Modifier la vague « %(name)s »") % {"name": wave.name},
            "form": form,
            "wave": wave,
            "extend_form": WaveExtendForm(wave=wave),
            "close_form": WaveCloseForm(),
        },
    )


@capability_required("manage_waves")
@require_POST
def wave_open_now(request, pk):
    wave = get_object_or_404(Wave, pk=pk)
    try:
        wave_services.wave_open_now(wave=wave, actor=request.user)
    except wave_services.WaveError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("La vague « %(name)s » est ouverte.") % {"name": wave.name})
    return redirect("pilotage:waves")


@capability_required("manage_waves")
@require_http_methods(["GET", "POST"])
def wave_extend(request, pk):
    wave = get_object_or_404(Wave.objects.with_call(), pk=pk)
    return _wave_action(
        request,
        wave,
        WaveExtendForm(request.POST if request.method == "POST" else None, wave=wave),
        action="extend",
        title=_("Prolonger la vague « %(name)s »") % {"name": wave.name},
        success=_("La clôture de la vague est prolongée."),
        act=lambda data: wave_services.wave_extend(
            wave=wave, actor=request.user, closes_at=data["closes_at"], reason=data["reason"]
        ),
    )


@capability_required("manage_waves")
@require_http_methods(["GET", "POST"])
def wave_close(request, pk):
    wave = get_object_or_404(Wave.objects.with_call(), pk=pk)
    return _wave_action(
        request,
        wave,
        WaveCloseForm(request.POST if request.method == "POST" else None),
        action="close",
        title=_("Clore la vague « %(name)s »") % {"name": wave.name},
        success=_("La vague est close : elle n'accepte plus de lettre d'intention."),
        act=lambda data: wave_services.wave_close_early(wave=wave, actor=request.user, reason=data["reason"]),
    )


def _wave_action(request, wave, form, *, action: str, title: str, success: str, act):
    """The confirm-then-act page of `wave_extend` and `wave_close`: on a valid POST `act`
    receives the cleaned data; a refusal of the service shows on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data)
        except wave_services.WaveError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, success)
            return redirect("pilotage:waves")
    return render(
        request,
        "pilotage/wave_action.html",
        {"title": title, "form": form, "wave": wave, "action": action},
    )


# Users and roles ---------------------------------------------------------------------------


# Editable pages ----------------------------------------------------------------------------
