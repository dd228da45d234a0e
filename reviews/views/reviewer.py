"""Reviewers' pages (/evaluation/) and the public laureates page (/laureats/).

Function views; assignments are fetched only through `selectors.get_assignment_for`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.downloads import document_response
from applications.models import Document
from applications.selectors.access import applications_visible_to
from cma_portal import roles
from cma_portal.pagination import paginate, row_url_prefix
from reviews import pdf, scoring, selectors
from reviews.errors import ReviewError
from reviews.forms import DeclarationForm, ReviewForm
from reviews.models import Assignment, Decision
from reviews.services.assignments import assignment_declare
from reviews.services.reviews import review_save, review_start


def _reviewer_only(request):
    if not roles.may(request.user, "review"):
        raise PermissionDenied


@login_required
def queue(request):
    _reviewer_only(request)
    page = paginate(request, selectors.reviewer_queue(request.user))
    assignments = page.object_list = list(page.object_list)
    return render(
        request,
        "reviews/queue.html",
        {
            "title": _("Mes évaluations"),
            "assignments": assignments,
            "page_obj": page,
            "assignment_prefix": row_url_prefix("evaluation:assignment"),
        },
    )


@login_required
def assignment(request, pk):
    """Before the declaration: title, lead organisation and partners only, and the declaration
    form. After a declaration of no conflict: the dossier, its documents and the review."""
    _reviewer_only(request)
    item = selectors.get_assignment_for(request.user, pk, need_clear=False)
    application = item.application
    partners = list(application.partners.select_related("organisation"))
    context = {
        "title": application.title,
        "assignment": item,
        "application": application,
        "partners": partners,
    }
    if item.state == Assignment.State.PENDING:
        context["form"] = DeclarationForm()
        return render(request, "reviews/declare.html", context)
    item = selectors.get_assignment_for(request.user, pk)
    context["documents"] = list(
        Document.objects.filter(application=application, is_current=True)
        .exclude(kind=Document.Kind.ATTACHMENT)
        .order_by("kind", "uploaded_at")
    )
    context["actions"] = list(application.actions.all())
    context["review"] = getattr(item, "review", None)
    return render(request, "reviews/assignment.html", context)


@login_required
@require_POST
def declare(request, pk):
    _reviewer_only(request)
    item = selectors.get_assignment_for(request.user, pk, need_clear=False)
    form = DeclarationForm(request.POST)
    if form.is_valid():
        try:
            item = assignment_declare(
                assignment=item,
                conflict=form.cleaned_data["conflict"] == DeclarationForm.YES,
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ReviewError as error:
            messages.error(request, error.message)
            return redirect("evaluation:queue")
        if item.state == Assignment.State.CONFLICTED:
            messages.info(
                request,
                _("Votre conflit d'intérêts est enregistré : le dossier est rendu au chargé de programme."),
            )
            return redirect("evaluation:queue")
        messages.success(request, _("Déclaration enregistrée : vous pouvez évaluer le dossier."))
        return redirect("evaluation:review", pk=item.pk)
    application = item.application
    return render(
        request,
        "reviews/declare.html",
        {
            "title": application.title,
            "assignment": item,
            "application": application,
            "partners": list(application.partners.select_related("organisation")),
            "form": form,
        },
        status=400,
    )


@login_required
def review(request, pk):
    """The grid: save as draft or submit. Once submitted, read-only, and the other submitted
    reviews of the dossier appear (never before)."""
    _reviewer_only(request)
    item = selectors.get_assignment_for(request.user, pk)
    # An existing review is read with its scores in one go; the first opening creates it.
    current = selectors.review_of(item) or selectors.review_with_scores(review_start(assignment=item))
    if request.method == "POST":
        if current.is_submitted:
            messages.error(
                request, _("Cette évaluation a déjà été transmise ; elle ne peut plus être modifiée.")
            )
            return redirect("evaluation:review", pk=item.pk)
        form = ReviewForm(request.POST, review=current)
        submit = "submit" in request.POST
        if form.is_valid() and submit:
            form.check_complete()
        if form.is_valid():
            try:
                review_save(
                    review=current,
                    scores=form.scores(),
                    overall_opinion=form.cleaned_data["overall_opinion"],
                    recommendation=form.cleaned_data["recommendation"],
                    actor=request.user,
                    submit=submit,
                )
            except ReviewError as error:
                form.add_error(None, error.message)
            else:
                if submit:
                    messages.success(request, _("Votre évaluation est transmise. Merci !"))
                else:
                    messages.success(request, _("Brouillon enregistré."))
                return redirect("evaluation:review", pk=item.pk)
        status = 400
    else:
        form = ReviewForm(review=current, disabled=current.is_submitted)
        status = 200
    item.review = current
    total, scored, count = scoring.running_total(
        (score.criterion.weight, score.value, score.criterion.scale_max) for score in current.scores.all()
    )
    return render(
        request,
        "reviews/review_form.html",
        {
            "running_total": {"total": total, "scored": scored, "count": count},
            "title": _("Évaluation — %(title)s") % {"title": item.application.title},
            "assignment": item,
            "application": item.application,
            "review": current,
            "form": form,
            "others": selectors.visible_reviews_for(item),
        },
        status=status,
    )


@login_required
def document(request, pk, document_pk):
    """A dossier's file, for an assigned reviewer without conflict only."""
    _reviewer_only(request)
    item = selectors.get_assignment_for(request.user, pk)
    doc = get_object_or_404(
        Document.objects.exclude(kind=Document.Kind.ATTACHMENT),
        pk=document_pk,
        application_id=item.application_id,
        is_current=True,
    )
    return document_response(doc)


# ---------------------------------------------------------------- public


def laureates(request):
    decisions = list(selectors.published_laureates())
    return render(request, "reviews/laureates.html", {"title": _("Lauréats"), "decisions": decisions})


@login_required
def letter(request, pk):
    """The decision letter, for the applicant's editors and programme managers."""
    decision = get_object_or_404(Decision.objects.select_related("application__wave__call"), pk=pk)
    if not applications_visible_to(request.user).filter(pk=decision.application_id).exists():
        raise Http404
    response = HttpResponse(pdf.render_decision_letter(decision), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.letter_filename(decision)}"'
    return response
