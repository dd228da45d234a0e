"""Steering pages: waves, users and roles, programme dashboard, editable pages.

Every view checks a capability of `cma_portal.roles`; state changes are POST only and go
through `waves.services` or `pilotage.services`.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cma_portal import roles
from cma_portal.csv_export import csv_response
from cma_portal.models import SitePage, User
from pilotage import selectors, services
from pilotage.charts import bar_chart
from pilotage.dashboard import build_dashboard
from pilotage.forms import ROLE_LABELS, InvitationForm, SitePageForm, UserRolesForm
from waves import services as wave_services
from waves.forms import WaveCloseForm, WaveExtendForm, WaveForm
from waves.models import Wave


def capability_required(capability):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not roles.may(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# Dashboard ---------------------------------------------------------------------------------


def _euros(value):
    # The value itself: the page formats it for the reader, the CSV writes a plain number.
    return value


def _tables(board):
    """Every table of the dashboard as (header, rows) of plain values: the page and the CSV
    exports read the same figures."""
    return {
        "entonnoir": (
            [_("Vague"), _("Action"), _("Lettres déposées"), _("GO"), _("Dossiers déposés"), _("Lauréats")],
            [
                [
                    r["wave"].name if r["wave"] else "",
                    r["action"].number if r["action"] else _("sans action"),
                    r["letters"],
                    r["go"],
                    r["dossiers"],
                    r["laureates"],
                ]
                for r in board.funnel
            ],
        ),
        "aides": (
            [_("Vague"), _("Aide demandée (€)"), _("Aide accordée (€)"), _("Enveloppe (€)"), _("Reste (€)")],
            [
                [
                    r["wave"].name,
                    _euros(r["requested"]),
                    _euros(r["granted"]),
                    _euros(r["envelope"]),
                    _euros(r["remaining"]),
                ]
                for r in board.aid
            ]
            + [
                [
                    _("Appel (total)"),
                    _euros(board.aid_totals["requested"]),
                    _euros(board.aid_totals["granted"]),
                    _euros(board.aid_totals["envelope"]),
                    _euros(board.aid_totals["remaining"]),
                ]
            ],
        ),
        "formation": (
            [_("Année"), _("Public"), _("Personnes à former")],
            [[r["year"], r["audience"], r["people"]] for r in board.training],
        ),
        "echeances": (
            [_("Date (heure de Paris)"), _("Échéance"), _("Objet")],
            [
                [
                    timezone.localtime(d["at"]).strftime("%d/%m/%Y %H:%M"),
                    _("Dossier complet") if d["kind"] == "dossier" else _("Clôture de vague"),
                    d["label"],
                ]
                for d in board.deadlines
            ],
        ),
    }


@capability_required("view_dashboard")
def dashboard(request):
    board = build_dashboard()
    tables = _tables(board)
    call = board.call
    target = call.national_target_people_trained if call else None
    totals = board.funnel_totals
    charts = {
        "funnel": bar_chart(
            [
                (_("Lettres déposées"), totals["letters"]),
                (_("GO"), totals["go"]),
                (_("Dossiers déposés"), totals["dossiers"]),
                (_("Lauréats"), totals["laureates"]),
            ],
            title=_("Entonnoir des candidatures, toutes vagues"),
        ),
        "aid": bar_chart(
            [
                (_("Aide demandée"), board.aid_totals["requested"]),
                (_("Aide accordée"), board.aid_totals["granted"]),
            ]
            + (
                [(_("Enveloppe de l'appel"), board.aid_totals["envelope"])]
                if board.aid_totals["envelope"]
                else []
            ),
            title=_("Aide demandée et accordée face à l'enveloppe (€)"),
            unit=" €",
        ),
        "training": bar_chart(
            [(str(year), people) for year, people in board.training_by_year]
            + [(_("Total"), board.training_total)],
            title=_("Personnes à former par les lauréats, par année, face à l'objectif national"),
            target=target,
            target_label=_("objectif"),
        ),
    }
    return render(
        request,
        "pilotage/dashboard.html",
        {
            "title": _("Pilotage du programme"),
            "board": board,
            "tables": tables,
            "charts": charts,
            "target": target,
            "target_share": round(100 * board.training_total / target, 1) if target else None,
        },
    )


@capability_required("view_dashboard")
def dashboard_csv(request, table):
    tables = _tables(build_dashboard())
    if table not in tables:
        raise Http404
    header, rows = tables[table]
    return csv_response([header, *rows], f"pilotage-{table}.csv")


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


USERS_PER_PAGE = 50


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
            messages.success(request, _("Les rôles de %(email)s sont enregistrés.") % {"email": target.email})
            return redirect("pilotage:users")
    return render(
        request,
        "pilotage/user_roles.html",
        {"title": _("Rôles de %(email)s") % {"email": target.email}, "form": form, "target": target},
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


# Editable pages ----------------------------------------------------------------------------


@capability_required("manage_users")
def page_list(request):
    return render(
        request, "pilotage/page_list.html", {"title": _("Pages éditables"), "pages": selectors.site_pages()}
    )


@capability_required("manage_users")
@require_http_methods(["GET", "POST"])
def page_edit(request, slug):
    page = get_object_or_404(SitePage, slug=slug)
    form = SitePageForm(
        request.POST if request.method == "POST" else None,
        initial={
            "title_fr": page.title_fr,
            "title_en": page.title_en,
            "body_fr": page.body_fr,
            "body_en": page.body_en,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.site_page_update(page=page, actor=request.user, **form.cleaned_data)
        messages.success(request, _("La page est enregistrée."))
        return redirect("pilotage:pages")
    return render(
        request,
        "pilotage/page_form.html",
        {"title": _("Modifier « %(title)s »") % {"title": page.title_fr}, "form": form, "page": page},
    )
