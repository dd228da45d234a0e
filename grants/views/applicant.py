"""The laureate's pages of the grant phase, under /candidatures/<pk>/convention/: the agreement,
its PDF, the signed copy, the reports (co-editors fill them in, the owner submits them).
Staff may open them too (read); their actions are on /instruction/conventions/."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.errors import GrantError, ReportConflict
from grants.forms.agreement import SignedPdfForm
from grants.forms.report import ReportDocumentForm, ReportForm
from grants.models import ReportDocument
from grants.pdf import agreement_filename, render_agreement_pdf
from grants.selectors.access import grant_access_for, report_for
from grants.selectors.reports import agreement_money, people_trained_to_date, report_tables
from grants.services import agreements as agreement_services
from grants.services import reports as report_services


@login_required
def agreement(request, pk):
    access = grant_access_for(request.user, pk)
    agreement = access.agreement
    return render(
        request,
        "grants/agreement.html",
        {
            "title": _("Convention de financement"),
            "access": access,
            "application": access.application,
            "agreement": agreement,
            "money": agreement_money(agreement),
            "people_to_date": people_trained_to_date(agreement),
            "reports": list(agreement.reports.all()),
            "instalments": list(agreement.instalments.select_related("report")),
            "signed_form": SignedPdfForm(),
        },
    )


@login_required
def agreement_pdf(request, pk):
    access = grant_access_for(request.user, pk)
    response = HttpResponse(render_agreement_pdf(access.agreement), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{agreement_filename(access.agreement)}"'
    return response


def _file_response(field, name: str):
    if not field:
        raise Http404
    return FileResponse(
        field.open("rb"), as_attachment=True, filename=name or "document.pdf", content_type="application/pdf"
    )


@login_required
def signed_file(request, pk):
    access = grant_access_for(request.user, pk)
    return _file_response(access.agreement.signed_file, access.agreement.signed_file_name)


@login_required
@require_POST
def upload_signed(request, pk):
    access = grant_access_for(request.user, pk)
    form = SignedPdfForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, error)
        return redirect("grants:agreement", pk)
    try:
        agreement_services.agreement_upload_signed(
            agreement=access.agreement, actor=request.user, uploaded_file=form.cleaned_data["file"]
        )
    except GrantError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("La convention signée est déposée ; le programme la contresignera."))
    return redirect("grants:agreement", pk)


def _report_page(request, access, report, form, status=200, document_form=None):
    return render(
        request,
        "grants/report.html",
        {
            "title": str(report),
            "access": access,
            "application": access.application,
            "report": report,
            "form": form,
            "document_form": document_form or ReportDocumentForm(),
            "tables": report_tables(report),
            "documents": list(report.documents.all()),
            "editable": report.editable and access.may("edit_reports"),
            "may_submit": access.may_report(report, "submit") and access.may("edit_reports"),
        },
        status=status,
    )


@login_required
def report(request, pk, report_id):
    access = grant_access_for(request.user, pk)
    report = report_for(access, report_id)
    if request.method != "POST":
        return _report_page(request, access, report, ReportForm(report=report))
    form = ReportForm(request.POST, report=report)
    if not form.is_valid():
        return _report_page(request, access, report, form, status=400)
    try:
        report_services.report_save(report=report, actor=request.user, **form.service_kwargs())
    except ReportConflict as error:
        form.add_error(None, error.message)
        return _report_page(request, access, report, form, status=409)
    except GrantError as error:
        messages.error(request, error.message)
        return redirect("grants:agreement", pk)
    messages.success(request, _("Le rapport est enregistré."))
    return redirect("grants:report", pk, report.pk)


@login_required
@require_POST
def report_submit(request, pk, report_id):
    access = grant_access_for(request.user, pk)
    report = report_for(access, report_id)
    try:
        report_services.report_submit(report=report, actor=request.user)
    except GrantError as error:
        messages.error(request, error.message)
        return redirect("grants:report", pk, report.pk)
    messages.success(request, _("Le rapport est déposé ; le programme va l'examiner."))
    return redirect("grants:agreement", pk)


@login_required
@require_POST
def report_document(request, pk, report_id):
    access = grant_access_for(request.user, pk)
    report = report_for(access, report_id)
    form = ReportDocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, error)
        return redirect("grants:report", pk, report.pk)
    try:
        report_services.report_document_add(
            report=report,
            actor=request.user,
            uploaded_file=form.cleaned_data["file"],
            page_count=form.page_count,
        )
    except GrantError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("La pièce est ajoutée au rapport."))
    return redirect("grants:report", pk, report.pk)


@login_required
def report_document_file(request, pk, report_id, document_id):
    access = grant_access_for(request.user, pk)
    report = report_for(access, report_id)
    document = get_object_or_404(ReportDocument.objects.filter(report=report), pk=document_id)
    return _file_response(document.file, document.original_name)
