"""Programme managers' pages (/instruction/selection/) and administrators' grids
(/pilotage/grilles/). Function views; state changes are POST only and call `services`."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actions.models import Action
from applications.models import Application
from cma_portal import roles
from reviews import exports, selectors
from reviews.errors import ReviewError
from reviews.filters import DossierFilter
from reviews.forms import (
    AutoAssignForm,
    BulkDecisionForm,
    CriterionFormSet,
    DecisionForm,
    GridCreateForm,
    GridForm,
    ManualAssignForm,
    PublishForm,
    end_of_day,
)
from reviews.models import Assignment, Decision
from reviews.services import grids as grid_services
from reviews.services.assignments import (
    assignment_create,
    assignment_withdraw,
    assignments_auto,
    default_due_at,
)
from reviews.services.decisions import decision_record, decisions_publish, decisions_record_bulk
from waves.models import Wave


def _require(request, capability):
    if not roles.may(request.user, capability):
        raise PermissionDenied


# ---------------------------------------------------------------- lists


@login_required
def dossiers(request):
    _require(request, "assign_reviewers")
    filterset = DossierFilter(request.GET or None, queryset=selectors.selection_dossiers())
    rows = list(filterset.qs) if filterset.is_bound else list(selectors.selection_dossiers())
    threshold = settings.REVIEW_DISAGREEMENT_THRESHOLD
    for row in rows:
        spread = (row.score_max - row.score_min) if row.score_max is not None else None
        row.spread = spread
        row.disagreement = bool(spread is not None and row.reviews_submitted > 1 and spread > threshold)
        # A conflict sends the dossier back to the programme manager until it has its reviewers.
        row.needs_reassignment = row.has_conflict and row.reviewers_active < settings.REVIEWS_PER_DOSSIER
    initial_wave = Wave.objects.order_by("-opens_at").first()
    return render(
        request,
        "reviews/dossiers.html",
        {
            "title": _("Évaluation et sélection des dossiers"),
            "filter": filterset,
            "rows": rows,
            "query": request.GET.urlencode(),
            "auto_form": AutoAssignForm(
                initial={"wave": initial_wave, "due_on": default_due_at().date(), "per_dossier": 2}
            ),
        },
    )


@login_required
def dossier(request, pk):
    _require(request, "assign_reviewers")
    application = selectors.get_dossier_for_staff(request.user, pk)
    return _render_dossier(request, application)


def _render_dossier(request, application, status=200, *, assign_form=None, decision_form=None):
    """The dossier page; invalid input of its forms re-renders it with the bound form, so that
    each error is shown next to its field and in the error summary (400)."""
    assignments = selectors.dossier_assignments(application)
    ranking = selectors.wave_ranking(application.wave)
    row = next((r for r in ranking.rows if r.application.pk == application.pk), None)
    for item in assignments:
        review = getattr(item, "review", None)
        item.corrected = ranking.stats.corrected.get(review.pk) if review is not None else None
    decision = Decision.objects.filter(application=application).first()
    return render(
        request,
        "reviews/dossier.html",
        {
            "title": application.title,
            "application": application,
            "assignments": assignments,
            "aggregate": row.aggregate if row else None,
            "rank": row.rank if row else None,
            "decision": decision,
            "assign_form": assign_form or ManualAssignForm(initial={"due_on": default_due_at().date()}),
            "decision_form": decision_form
            or DecisionForm(
                initial={"aid_granted": application.estimated_aid_requested} if not decision else None
            ),
        },
        status=status,
    )


@login_required
@require_POST
def assign(request, pk):
    _require(request, "assign_reviewers")
    application = selectors.get_dossier_for_staff(request.user, pk)
    form = ManualAssignForm(request.POST)
    if form.is_valid():
        try:
            assignment_create(
                application=application,
                reviewer=form.cleaned_data["reviewer"],
                due_at=end_of_day(form.cleaned_data["due_on"]),
                actor=request.user,
            )
        except ReviewError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Évaluateur·rice désigné·e et prévenu·e par courriel."))
    else:
        return _render_dossier(request, application, status=400, assign_form=form)
    return redirect("selection:dossier", pk=application.pk)


@login_required
@require_POST
def withdraw(request, pk):
    _require(request, "assign_reviewers")
    item = get_object_or_404(Assignment, pk=pk)
    try:
        assignment_withdraw(assignment=item, actor=request.user)
    except ReviewError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Affectation retirée."))
    return redirect("selection:dossier", pk=item.application_id)


@login_required
@require_POST
def auto_assign(request):
    _require(request, "assign_reviewers")
    form = AutoAssignForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Affectation automatique impossible : %(errors)s") % {"errors": _errors(form)}
        )
        return redirect("selection:dossiers")
    applications = Application.objects.filter(
        wave=form.cleaned_data["wave"], state__in=selectors.REVIEWABLE_STATES
    )
    if form.cleaned_data["action"]:
        applications = applications.filter(actions=form.cleaned_data["action"])
    made, short = assignments_auto(
        applications=applications.distinct(),
        actor=request.user,
        per_dossier=form.cleaned_data["per_dossier"],
        due_at=end_of_day(form.cleaned_data["due_on"]),
    )
    messages.success(request, _("%(count)s affectation(s) créée(s).") % {"count": len(made)})
    if short:
        messages.warning(
            request,
            _("Évaluateur·rices disponibles insuffisants pour : %(refs)s")
            % {"refs": ", ".join(str(a.reference or a.pk) for a in short)},
        )
    return redirect("selection:dossiers")


def _errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


# ---------------------------------------------------------------- ranking and decisions


@login_required
def ranking(request):
    _require(request, "decide")
    waves = list(Wave.objects.order_by("-opens_at"))
    wave = next((w for w in waves if str(w.pk) == request.GET.get("wave")), waves[0] if waves else None)
    actions = list(Action.objects.all())
    action = next((a for a in actions if str(a.pk) == request.GET.get("action")), None)
    result = selectors.wave_ranking(wave, action) if wave else None
    return render(
        request,
        "reviews/ranking.html",
        {
            "title": _("Classement"),
            "waves": waves,
            "wave": wave,
            "actions": actions,
            "action": action,
            "ranking": result,
            "bulk_form": BulkDecisionForm(),
            "publish_form": PublishForm(initial={"wave": wave}) if wave else None,
        },
    )


@login_required
@require_POST
def decide(request, pk):
    _require(request, "decide")
    application = selectors.get_dossier_for_staff(request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decision_record(
                application=application,
                outcome=form.cleaned_data["outcome"],
                aid_granted=form.cleaned_data["aid_granted"],
                rationale=form.cleaned_data["rationale"],
                actor=request.user,
            )
        except ReviewError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Décision enregistrée ; le porteur est prévenu par courriel."))
            return redirect("selection:dossier", pk=application.pk)
    else:
        return _render_dossier(request, application, status=400, decision_form=form)
    return redirect("selection:dossier", pk=application.pk)


@login_required
@require_POST
def decide_bulk(request):
    _require(request, "decide")
    form = BulkDecisionForm(request.POST)
    ids = [int(v) for v in request.POST.getlist("applications") if v.isdigit()]
    back = request.POST.get("back") or ""
    target = "selection:ranking"
    if not ids:
        messages.error(request, _("Cochez au moins un dossier."))
    elif form.is_valid():
        try:
            with transaction.atomic():
                decisions = decisions_record_bulk(
                    applications=Application.objects.filter(pk__in=ids).order_by("pk"),
                    outcome=form.cleaned_data["outcome"],
                    rationale=form.cleaned_data["rationale"],
                    actor=request.user,
                )
        except ReviewError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(count)s décision(s) enregistrée(s).") % {"count": len(decisions)})
    else:
        messages.error(request, _("Décisions non enregistrées : %(errors)s") % {"errors": _errors(form)})
    response = redirect(target)
    if back.startswith("?") and back.isprintable():  # no CR/LF into the Location header
        response["Location"] += back
    return response


@login_required
@require_POST
def publish(request):
    _require(request, "decide")
    form = PublishForm(request.POST)
    if form.is_valid():
        count = decisions_publish(wave=form.cleaned_data["wave"], actor=request.user)
        messages.success(
            request, _("%(count)s lauréat(s) publié(s) sur la page publique.") % {"count": count}
        )
    else:
        messages.error(request, _("Vague inconnue."))
    return redirect("selection:ranking")


# ---------------------------------------------------------------- exports


@login_required
def export(request, what, fmt):
    _require(request, "export")
    if what not in ("dossiers", "reviews") or fmt not in ("csv", "xlsx"):
        raise PermissionDenied
    filterset = DossierFilter(request.GET or None, queryset=selectors.selection_dossiers())
    applications = filterset.qs if filterset.is_bound else selectors.selection_dossiers()
    return exports.response(what=what, fmt=fmt, applications=applications)


# ---------------------------------------------------------------- grids (administrators)


@login_required
def grids(request):
    _require(request, "manage_grids")
    return render(
        request,
        "reviews/grids.html",
        {"title": _("Grilles d'évaluation"), "grids": list(selectors.grids_list())},
    )


def _criteria(formset) -> list[dict]:
    return [
        {
            "label": f.cleaned_data["label"],
            "guidance": f.cleaned_data.get("guidance", ""),
            "weight": f.cleaned_data["weight"],
            "scale_max": f.cleaned_data["scale_max"],
        }
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


@login_required
def grid_create(request):
    _require(request, "manage_grids")
    form = GridCreateForm(request.POST or None)
    formset = CriterionFormSet(request.POST or None, prefix="criteria")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        criteria = _criteria(formset)
        try:
            grid = grid_services.grid_create(
                action=form.cleaned_data["action"],
                title=form.cleaned_data["title"],
                criteria=criteria,
                actor=request.user,
            )
        except ReviewError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Grille créée."))
            return redirect("grids:detail", pk=grid.pk)
    return render(
        request,
        "reviews/grid_form.html",
        {"title": _("Nouvelle grille"), "form": form, "formset": formset},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def grid_detail(request, pk):
    _require(request, "manage_grids")
    grid = selectors.grid_with_criteria(pk)
    criteria = list(grid.criteria.all())
    if request.method == "POST":
        form = GridForm(request.POST)
        formset = CriterionFormSet(request.POST, prefix="criteria")
        if form.is_valid() and formset.is_valid():
            try:
                saved = grid_services.grid_update(
                    grid=grid,
                    title=form.cleaned_data["title"],
                    criteria=_criteria(formset),
                    actor=request.user,
                )
            except ReviewError as error:
                form.add_error(None, error.message)
            else:
                if saved.pk != grid.pk:
                    messages.success(
                        request,
                        _("La grille est déjà utilisée : la version %(v)s a été créée.")
                        % {"v": saved.version},
                    )
                else:
                    messages.success(request, _("Grille enregistrée."))
                return redirect("grids:detail", pk=saved.pk)
        status = 400
    else:
        form = GridForm(initial={"title": grid.title})
        formset = CriterionFormSet(
            prefix="criteria",
            initial=[
                {"label": c.label, "guidance": c.guidance, "weight": c.weight, "scale_max": c.scale_max}
                for c in criteria
            ],
        )
        status = 200
    return render(
        request,
        "reviews/grid_form.html",
        {"title": str(grid), "grid": grid, "criteria": criteria, "form": form, "formset": formset},
        status=status,
    )
