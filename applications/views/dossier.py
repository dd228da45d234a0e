"""The full dossier page and its sections. Each section is its own form, posted to its own URL
and saved on its own; a refused save re-renders the whole page with what was typed."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications.downloads import document_response
from applications.forms import dossier as forms
from applications.forms import partners as partner_forms
from applications.forms.questions import DossierQuestionsForm, question_values
from applications.models import Application, Document, Organisation, Question, Submission
from applications.selectors.access import get_application_for, is_editor
from applications.selectors.dossier import (
    budget_drift,
    budget_table,
    dossier_documents,
    dossier_missing_items,
    dossier_refusal,
    format_paris,
    project_years,
)
from applications.selectors.questions import questions_and_answers
from applications.services.dossier import (
    DossierConflict,
    DossierError,
    document_replace,
    document_retire,
    dossier_section_save,
)
from applications.services.questions import answers_save
from applications.snapshots import budget_totals
from applications.states import State

SECTION_ANCHORS = {
    "presentation": "presentation",
    "annex": "annexe",
    "partners": "partenaires",
    "budget": "budget",
    "training": "formation",
    "milestones": "jalons",
    "documents": "documents",
    "questions": "questions",
}


def _build_forms(application: Application, *, section: str | None = None, data=None, files=None) -> dict:
    """Every section's form; the one of `section` bound to the request's data."""

    def bound(name):
        return {"data": data, "files": files} if name == section else {}

    kw = {"application": application}
    questions, answers = questions_and_answers(application, [Question.Stage.DOSSIER])
    return {
        "presentation": forms.PresentationForm(**bound("presentation"), **kw),
        "annex": forms.FinancialAnnexForm(**bound("annex"), **kw),
        "partners": partner_forms.PartnerFormSet(
            **bound("partners"),
            prefix="partners",
            queryset=application.partners.select_related("organisation"),
            form_kwargs={**kw, "organisation_choices": partner_forms.organisation_choices(application)},
        ),
        "budget": forms.BudgetFormSet(
            **bound("budget"), prefix="budget", queryset=application.budget_lines.all(), **kw
        ),
        "training": forms.TrainingFormSet(
            **bound("training"), prefix="training", queryset=application.training_targets.all(), **kw
        ),
        "milestones": forms.MilestoneFormSet(
            **bound("milestones"), prefix="milestones", queryset=application.milestones.all(), **kw
        ),
        "documents": forms.FurtherDocumentForm(**bound("documents"), **kw),
        "questions": DossierQuestionsForm(**bound("questions"), questions=questions, answers=answers, **kw),
    }


def deadline_info(application: Application, at=None) -> dict | None:
    deadline = application.dossier_deadline
    if deadline is None:
        return None
    at = at or timezone.now()
    paris = timezone.get_default_timezone()
    days_left = (timezone.localtime(deadline, paris).date() - timezone.localtime(at, paris).date()).days
    return {
        "at": deadline,
        "text": format_paris(deadline),
        "days_left": days_left,
        "passed": at > deadline,
    }


def _render_page(request, application: Application, *, section=None, bound_form=None, status=200):
    editor = is_editor(request.user, application)
    refusal = dossier_refusal(application)
    editable = editor and refusal is None
    all_forms = _build_forms(application)
    if section is not None:
        all_forms[section] = bound_form

    documents = dossier_documents(application)
    partners_formset = all_forms["partners"]
    partners = list(partners_formset.get_queryset())
    lines = list(all_forms["budget"].get_queryset())
    targets = list(all_forms["training"].get_queryset())
    milestones = list(all_forms["milestones"].get_queryset())
    totals = budget_totals(application, lines=lines)

    commitments = {d.partner_id: d for d in documents if d.kind == Document.Kind.COMMITMENT}
    for form in partners_formset.forms:
        form.commitment_document = commitments.get(form.instance.pk)
    for partner in partners:
        partner.commitment_document = commitments.get(partner.pk)
    by_kind = {}
    for document in documents:
        by_kind.setdefault(document.kind, []).append(document)

    missing = dossier_missing_items(
        application,
        documents=documents,
        partners=partners,
        totals=totals,
        has_training=bool(targets),
        has_milestones=bool(milestones),
        questions=all_forms["questions"].questions,
        answers=all_forms["questions"].answers,
    )
    context = {
        "title": _("Dossier complet — %(name)s") % {"name": application},
        "application": application,
        "call": application.wave.call,
        "editable": editable,
        "is_editor": editor,
        "refusal": refusal if editor and application.state == State.DOSSIER_DRAFT else None,
        "forms": all_forms,
        "version": application.version,
        "presentation": (by_kind.get(Document.Kind.PRESENTATION) or [None])[0],
        "annex": (by_kind.get(Document.Kind.FINANCIAL_ANNEX) or [None])[0],
        "further_documents": by_kind.get(Document.Kind.OTHER, []),
        "partners": partners,
        "budget_lines": lines,
        "budget_table": budget_table(lines, project_years(application)),
        "totals": {k: Decimal(v) for k, v in totals.items()},
        "drift": budget_drift(application, totals),
        "training_targets": targets,
        "milestones": milestones,
        "missing": missing,
        "deadline": deadline_info(application),
        "submitted": application.state != State.DOSSIER_DRAFT and application.dossier_submitted_at,
        "dossier_submission": (
            application.submissions.filter(kind=Submission.Kind.DOSSIER)
            .order_by("-submitted_at", "-id")
            .first()
            if application.dossier_submitted_at
            else None
        ),
        "section": section,
    }
    return render(request, "applications/dossier.html", context, status=status)


def get_dossier(request, pk: int) -> Application:
    application = get_application_for(request.user, pk)
    if application.dossier_deadline is None:
        # No dossier before a GO (which sets the deadline).
        raise Http404
    return application


@login_required
@require_GET
def dossier(request, pk: int):
    return _render_page(request, get_dossier(request, pk))


# Section writers: the ORM writes of each section, run inside `dossier_section_save`.


def _write_presentation(form, application, user):
    document = document_replace(
        application=application,
        kind=Document.Kind.PRESENTATION,
        uploaded_file=form.cleaned_data["file"],
        user=user,
        page_count=form.page_count,
    )
    return {"document_id": document.pk}


def _write_annex(form, application, user):
    document = document_replace(
        application=application,
        kind=Document.Kind.FINANCIAL_ANNEX,
        uploaded_file=form.cleaned_data["file"],
        user=user,
    )
    return {"document_id": document.pk}


def _write_rows(formset, application, user):
    instances = formset.save(commit=False)
    # Deletions first, so that a line deleted and re-added in the same save does not collide.
    for obj in formset.deleted_objects:
        obj.delete()
    for obj in instances:
        obj.application = application
        obj.save()
    return {"saved": len(instances), "deleted": len(formset.deleted_objects)}


def _write_partners(formset, application, user):
    # Partners typed in for this application become organisations of their own (no member, so
    # they are offered to nobody else).
    for form in formset.kept_forms():
        typed = form.new_organisation()
        if typed:
            form.instance.organisation = Organisation.objects.create(**typed)
    instances = formset.save(commit=False)
    for partner in formset.deleted_objects:
        Document.objects.filter(partner=partner, is_current=True).update(is_current=False)
        partner.delete()
    for index, partner in enumerate(instances):
        partner.application = application
        if not partner.pk:
            partner.order = application.partners.count() + index
        partner.save()
    for form in formset.forms:
        uploaded = form.cleaned_data.get("commitment") if form.cleaned_data else None
        if uploaded and form.instance.pk and not (formset.can_delete and formset._should_delete_form(form)):
            document_replace(
                application=application,
                kind=Document.Kind.COMMITMENT,
                uploaded_file=uploaded,
                user=user,
                page_count=form.page_count,
                partner=form.instance,
            )
    return {"saved": len(instances), "deleted": len(formset.deleted_objects)}


def _write_document(form, application, user):
    document = document_replace(
        application=application,
        kind=Document.Kind.OTHER,
        uploaded_file=form.cleaned_data["file"],
        user=user,
        label=form.cleaned_data["label"],
        page_count=form.page_count,
        content_type=forms.ALLOWED_TYPES[form.detected_type],
    )
    return {"document_id": document.pk}


def _write_questions(form, application, user):
    return {"changed": answers_save(application=application, user=user, values=question_values(form))}


WRITERS = {
    "presentation": _write_presentation,
    "annex": _write_annex,
    "partners": _write_partners,
    "budget": _write_rows,
    "training": _write_rows,
    "milestones": _write_rows,
    "documents": _write_document,
    "questions": _write_questions,
}


def _editable_or_refuse(request, application: Application):
    """None when the user may edit now; otherwise a redirect with the reason."""
    if not is_editor(request.user, application):
        raise PermissionDenied
    refusal = dossier_refusal(application)
    if refusal:
        messages.error(request, refusal)
        return redirect("applications:dossier", pk=application.pk)
    return None


def _save_section(request, pk: int, section: str):
    application = get_dossier(request, pk)
    refused = _editable_or_refuse(request, application)
    if refused:
        return refused
    form = _build_forms(application, section=section, data=request.POST, files=request.FILES)[section]
    version_form = forms.VersionForm(request.POST)
    if form.is_valid():
        version = version_form.cleaned_data["version"] if version_form.is_valid() else 0
        try:
            dossier_section_save(
                application=application,
                actor=request.user,
                version=version,
                section=section,
                write=lambda: WRITERS[section](form, application, request.user),
            )
        except DossierConflict as exc:
            messages.error(request, exc.message)
            application = get_dossier(request, pk)
            return _render_page(request, application, section=section, bound_form=form, status=409)
        except DossierError as exc:
            messages.error(request, exc.message)
            return redirect("applications:dossier", pk=pk)
        except IntegrityError:
            messages.error(
                request,
                _("L'enregistrement a échoué car deux lignes se recouvrent ; vérifiez vos saisies."),
            )
        else:
            messages.success(request, _("Enregistré."))
            return redirect(reverse("applications:dossier", args=[pk]) + "#" + SECTION_ANCHORS[section])
    else:
        messages.error(request, _("Cette partie n'a pas été enregistrée : corrigez les erreurs signalées."))
    return _render_page(request, application, section=section, bound_form=form, status=400)


def _section_view(section: str):
    """The POST view that saves `section` of the dossier (one per section, see urls_dossier)."""

    @login_required
    @require_POST
    def view(request, pk: int):
        return _save_section(request, pk, section)

    return view


save_presentation = _section_view("presentation")
save_annex = _section_view("annex")
save_partners = _section_view("partners")
save_budget = _section_view("budget")
save_training = _section_view("training")
save_milestones = _section_view("milestones")
add_document = _section_view("documents")
save_questions = _section_view("questions")


@login_required
@require_POST
def remove_document(request, pk: int, document_pk: int):
    application = get_dossier(request, pk)
    refused = _editable_or_refuse(request, application)
    if refused:
        return refused
    document = application.documents.filter(
        pk=document_pk, kind=Document.Kind.OTHER, is_current=True, message__isnull=True
    ).first()
    if document is None:
        raise Http404
    version_form = forms.VersionForm(request.POST)
    version = version_form.cleaned_data["version"] if version_form.is_valid() else 0
    try:
        dossier_section_save(
            application=application,
            actor=request.user,
            version=version,
            section="documents",
            write=lambda: (
                document_retire(application=application, document=document)
                or {"removed_document_id": document.pk}
            ),
        )
    except DossierError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Document retiré du dossier."))
    return redirect(reverse("applications:dossier", args=[pk]) + "#documents")


@login_required
@require_GET
def download_document(request, pk: int, document_pk: int):
    application = get_dossier(request, pk)
    document = application.documents.filter(pk=document_pk, message__isnull=True).first()
    if document is None:
        raise Http404
    return document_response(document)
