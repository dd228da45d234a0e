"""Programme managers' pages (/instruction/selection/) and administrators' grids
(/pilotage/grilles/). Function views; state changes are POST only and call `services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import Application
from applications.states import State
from cma_portal import roles
from cma_portal.pagination import paginate, query_without_paging, row_url_prefix
from reviews import exports, listing, selectors, selectors_consensus
from reviews.errors import ReviewError
from reviews.filters import DossierFilter
from reviews.forms import (
    AutoAssignForm,
    BulkDecisionForm,
    DecisionForm,
    ManualAssignForm,
    PublishForm,
    end_of_day,
)
from reviews.funding import funding_for_page
from reviews.models import Assignment, Decision
from reviews.services.assignments import (
    assignment_create,
    assignment_withdraw,
    assignments_auto,
    default_due_at,
)
from reviews.services.decisions import decision_record, decisions_publish, decisions_record_bulk
from reviews.views.decision_preview import decision_email_previews


def require_capability(request, capability):
    if not roles.may(request.user, capability):
        raise PermissionDenied


# ---------------------------------------------------------------- lists


@login_required
def dossiers(request):
    require_capability(request, "assign_reviewers")
    filterset = DossierFilter(request.GET or None, queryset=selectors.selection_dossiers())
    page = paginate(request, filterset.qs if filterset.is_bound else selectors.selection_dossiers())
    rows = page.object_list = list(page.object_list)
    listing.decorate_selection_rows(rows)
    waves, actions = listing.waves_and_actions()
    auto_form = AutoAssignForm(
        initial={"wave": waves[0] if waves else None, "due_on": default_due_at().date(), "per_dossier": 2}
    )
    listing.share_choices((auto_form,), waves, actions)
    filter_html = listing.filter_html(filterset, waves, actions)
    return render(
        request,
        "reviews/dossiers.html",
        {
            "title": _("Évaluation et sélection des dossiers"),
            "filter": filterset,
            "filter_html": filter_html,
            "rows": rows,
            "page_obj": page,
            "dossier_prefix": row_url_prefix("selection:dossier"),
            "query": query_without_paging(request),
            "auto_form": auto_form,
        },
    )


@login_required
def dossier(request, pk):
    require_capability(request, "assign_reviewers")
    application = selectors.get_dossier_for_staff(request.user, pk)
    return _dossier_page(request, application)


def _dossier_page(
    request, application, *, assign_form=None, decision_form=None, status=200, decision_previews=None
):
    """The dossier page; a refused form comes back bound, with what the user typed."""
    assignments = selectors.dossier_assignments(application)
    standing = selectors.dossier_standing(application)
    for item in assignments:
        review = getattr(item, "review", None)
        item.corrected = standing.stats.corrected.get(review.pk) if review is not None else None
    decision = getattr(application, "decision", None)
    return render(
        request,
        "reviews/dossier.html",
        {
            "title": application.title,
            "application": application,
            "assignments": assignments,
            "aggregate": standing.aggregate,
            "rank": standing.rank,
            "decision": decision,
            "consensus": selectors_consensus.consensus_brief(application),
            "assign_form": assign_form or ManualAssignForm(initial={"due_on": default_due_at().date()}),
            "decision_form": decision_form
            or DecisionForm(
                initial={"aid_granted": application.estimated_aid_requested} if not decision else None
            ),
            "decision_previews": decision_previews,
        },
        status=status,
    )


@login_required
@require_POST
def assign(request, pk):
    require_capability(request, "assign_reviewers")
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
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Évaluateur·rice désigné·e et prévenu·e par courriel."))
            return redirect("selection:dossier", pk=application.pk)
    else:
        messages.error(request, _("Affectation impossible : %(errors)s") % {"errors": _errors(form)})
    return _dossier_page(request, application, assign_form=form, status=400)


@login_required
@require_POST
def withdraw(request, pk):
    require_capability(request, "assign_reviewers")
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
    require_capability(request, "assign_reviewers")
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
    require_capability(request, "decide")
    waves, actions = listing.waves_and_actions()
    wave = next((w for w in waves if str(w.pk) == request.GET.get("wave")), waves[0] if waves else None)
    action = next((a for a in actions if str(a.pk) == request.GET.get("action")), None)
    # Ranked over the whole wave (severity correction, totals, the funding line); only the
    # page's rows are loaded and shown.
    result, page = listing.ranking_page(request, wave, action) if wave else (None, paginate(request, []))
    publish_form = PublishForm(initial={"wave": wave}) if wave else None
    if publish_form:
        listing.share_choices((publish_form,), waves, actions)
    envelope = wave.budget_envelope if wave else None
    funding, funding_total, line_on_top = funding_for_page(
        result.rows if result else [], page, envelope, wave
    )
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
            "page_obj": page,
            "dossier_prefix": row_url_prefix("selection:dossier"),
            "funding": funding,
            "envelope": envelope,
            "funding_total": funding_total,
            "line_on_top": line_on_top,
            "bulk_form": BulkDecisionForm(),
            "publish_form": publish_form,
        },
    )


@login_required
@require_POST
def decide(request, pk):
    require_capability(request, "decide")
    application = selectors.get_dossier_for_staff(request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid() and "preview" in request.POST:  # nothing recorded nor sent yet
        previews = decision_email_previews(application, form.cleaned_data)
        return _dossier_page(request, application, decision_form=form, decision_previews=previews)
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
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Décision enregistrée ; le porteur est prévenu par courriel."))
            return redirect("selection:dossier", pk=application.pk)
    else:
        messages.error(request, _("Décision non enregistrée : %(errors)s") % {"errors": _errors(form)})
    # Refused: the page again, with the reasons and the amount as typed.
    return _dossier_page(request, application, decision_form=form, status=400)


@login_required
@require_POST
def decide_bulk(request):
    require_capability(request, "decide")
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
    """POST without `confirm`: the confirmation page (who will be published, for how much);
    POST with `confirm`: publish."""
    require_capability(request, "decide")
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vague inconnue."))
        return redirect("selection:ranking")
    wave = form.cleaned_data["wave"]
    if not request.POST.get("confirm"):
        laureates = list(
            Decision.objects.filter(
                application__wave=wave,
                application__state=State.SELECTED,
                outcome=Decision.Outcome.SELECTED,
                published_at__isnull=True,
            )
            .select_related("application__lead_organisation")
            .order_by("application__reference")
        )
        return render(
            request,
            "reviews/publish_confirm.html",
            {
                "title": _("Publier les lauréats"),
                "wave": wave,
                "laureates": laureates,
                "total": sum((d.aid_granted or 0 for d in laureates), 0),
                "form": form,
            },
        )
    count = decisions_publish(wave=wave, actor=request.user)
    messages.success(request, _("%(count)s lauréat(s) publié(s) sur la page publique.") % {"count": count})
    return redirect(reverse("selection:ranking") + f"?wave={wave.pk}")


# ---------------------------------------------------------------- exports


@login_required
def export(request, what, fmt):
    require_capability(request, "export")
    if what not in ("dossiers", "reviews") or fmt not in ("csv", "xlsx"):
        raise PermissionDenied
    filterset = DossierFilter(request.GET or None, queryset=selectors.selection_dossiers())
    applications = filterset.qs if filterset.is_bound else selectors.selection_dossiers()
    return exports.response(what=what, fmt=fmt, applications=applications)


# ---------------------------------------------------------------- grids (administrators)
