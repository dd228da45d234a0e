"""The consensus and the evaluation summary (docs/evaluation.md).

- The rapporteur: /evaluation/affectations/<pk>/consensus/ (their own assignment).
- Programme managers: /instruction/selection/dossiers/<pk>/consensus/ (name the rapporteur,
  validate or send back) and …/synthese/ (word the applicant's summary before its release).
- The applicant: the summary as a PDF, /laureats/syntheses/<pk>.pdf (the application's pk);
  on the application page through `{% evaluation_summary_panel %}`.

Function views; state changes are POST only and call `reviews.services`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.selectors.access import applications_visible_to
from cma_portal import roles
from reviews import pdf, selectors
from reviews import selectors_consensus as reads
from reviews.errors import ReviewError
from reviews.forms_consensus import ConsensusForm, RapporteurForm, SendBackForm, SummaryForm
from reviews.models import Consensus
from reviews.services.consensus import (
    consensus_name_rapporteur,
    consensus_save,
    consensus_send_back,
    consensus_validate,
)
from reviews.services.summaries import summary_save


def _may(request, capability):
    if not roles.may(request.user, capability):
        raise PermissionDenied


# ---------------------------------------------------------------- the rapporteur


@login_required
def consensus_write(request, pk):
    """The consensus form beside the individual reviews; editable by the rapporteur while it is
    a draft and every review is in, read-only otherwise."""
    _may(request, "review")
    assignment, consensus = reads.rapporteur_consensus(request.user, pk)
    application = assignment.application
    pending = reads.reviews_pending(application)
    editable = consensus.state == Consensus.State.DRAFT and not pending
    status = 200
    if request.method == "POST":
        if not editable:
            messages.error(request, _("Ce consensus ne peut pas être modifié maintenant."))
            return redirect("evaluation:consensus", pk=assignment.pk)
        form = ConsensusForm(request.POST, consensus=consensus)
        submit = "submit" in request.POST
        if form.is_valid() and submit:
            form.check_complete()
        if form.is_valid():
            try:
                consensus_save(
                    consensus=consensus,
                    scores=form.scores(),
                    overall_opinion=form.cleaned_data["overall_opinion"],
                    version=form.cleaned_data["version"],
                    actor=request.user,
                    submit=submit,
                )
            except ReviewError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Consensus transmis au chargé de programme pour validation.")
                    if submit
                    else _("Brouillon du consensus enregistré."),
                )
                return redirect("evaluation:consensus", pk=assignment.pk)
        status = 400
    else:
        form = ConsensusForm(consensus=consensus, disabled=not editable)
    criteria = [score.criterion for score in consensus.scores.all()]
    return render(
        request,
        "reviews/consensus_form.html",
        {
            "title": _("Consensus — %(title)s") % {"title": application.title},
            "assignment": assignment,
            "application": application,
            "consensus": consensus,
            "pending": pending,
            "editable": editable,
            "form": form,
            "side": reads.side_by_side(application, criteria),
        },
        status=status,
    )


# ---------------------------------------------------------------- programme managers


def _staff_page(request, application, *, rapporteur_form=None, send_back_form=None, status=200):
    consensus = reads.consensus_of(application)
    criteria = [score.criterion for score in consensus.scores.all()] if consensus else None
    return render(
        request,
        "reviews/consensus_staff.html",
        {
            "title": _("Consensus — %(title)s") % {"title": application.title},
            "application": application,
            "consensus": consensus,
            "pending": reads.reviews_pending(application),
            "side": reads.side_by_side(application, criteria),
            "rapporteur_form": rapporteur_form
            or RapporteurForm(assignments=reads.rapporteur_candidates(application)),
            "send_back_form": send_back_form or SendBackForm(),
        },
        status=status,
    )


@login_required
def consensus_review(request, pk):
    _may(request, "assign_reviewers")
    return _staff_page(request, selectors.get_dossier_for_staff(request.user, pk))


@login_required
@require_POST
def rapporteur(request, pk):
    _may(request, "assign_reviewers")
    application = selectors.get_dossier_for_staff(request.user, pk)
    form = RapporteurForm(request.POST, assignments=reads.rapporteur_candidates(application))
    if form.is_valid():
        try:
            consensus_name_rapporteur(
                application=application, assignment=form.cleaned_data["assignment"], actor=request.user
            )
        except ReviewError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Rapporteur désigné et prévenu par courriel."))
            return redirect("selection:consensus", pk=application.pk)
    return _staff_page(request, application, rapporteur_form=form, status=400)


def _consensus_or_404(application) -> Consensus:
    consensus = Consensus.objects.filter(application=application).select_related("assignment").first()
    if consensus is None:
        raise Http404
    return consensus


@login_required
@require_POST
def validate(request, pk):
    _may(request, "assign_reviewers")
    application = selectors.get_dossier_for_staff(request.user, pk)
    try:
        consensus_validate(consensus=_consensus_or_404(application), actor=request.user)
    except ReviewError as error:
        messages.error(request, error.message)
        return redirect("selection:consensus", pk=application.pk)
    messages.success(request, _("Consensus validé : le classement utilise désormais sa note."))
    return redirect("selection:summary", pk=application.pk)


@login_required
@require_POST
def send_back(request, pk):
    _may(request, "assign_reviewers")
    application = selectors.get_dossier_for_staff(request.user, pk)
    consensus = _consensus_or_404(application)
    form = SendBackForm(request.POST)
    if form.is_valid():
        try:
            consensus_send_back(consensus=consensus, actor=request.user, note=form.cleaned_data["note"])
        except ReviewError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Consensus renvoyé au rapporteur, prévenu par courriel."))
            return redirect("selection:consensus", pk=application.pk)
    return _staff_page(request, application, send_back_form=form, status=400)


@login_required
def summary(request, pk):
    """The applicant's evaluation summary, as staff word it before the decision releases it."""
    _may(request, "decide")
    application = selectors.get_dossier_for_staff(request.user, pk)
    current = reads.summary_of(application)
    status = 200
    if current is None:
        form = None
    elif request.method == "POST":
        form = SummaryForm(request.POST, summary=current)
        if form.is_valid():
            try:
                summary_save(
                    summary=current,
                    comments=form.comments(),
                    overall_opinion=form.cleaned_data["overall_opinion"],
                    version=form.cleaned_data["version"],
                    actor=request.user,
                )
            except ReviewError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Synthèse enregistrée ; elle sera transmise avec la décision."))
                return redirect("selection:summary", pk=application.pk)
        status = 400
    else:
        form = SummaryForm(summary=current, disabled=current.released)
    return render(
        request,
        "reviews/summary_form.html",
        {
            "title": _("Synthèse de l'évaluation — %(title)s") % {"title": application.title},
            "application": application,
            "summary": current,
            "form": form,
        },
        status=status,
    )


# ---------------------------------------------------------------- the applicant


@login_required
def summary_pdf(request, pk):
    """The evaluation summary as a tagged PDF in the reader's language: for the application's
    editors once released, for programme managers (a preview) before."""
    application = get_object_or_404(applications_visible_to(request.user).select_related("wave__call"), pk=pk)
    staff = roles.may(request.user, "decide")
    current = reads.summary_of(application) if staff else reads.released_summary(application)
    if current is None:
        raise Http404
    data = pdf.render_evaluation_summary(current, application, translation.get_language())
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.summary_filename(application)}"'
    return response
