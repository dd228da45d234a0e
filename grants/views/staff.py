"""Programme managers' pages of the grant phase, under /instruction/conventions/."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cma_portal import roles
from grants.errors import GrantError
from grants.forms.agreement import (
    CorrectionForm,
    PaymentForm,
    PrepareForm,
    ReasonForm,
    ScheduleForm,
    SignedPdfForm,
    prepare_initial,
)
from grants.models import Agreement, Instalment
from grants.selectors.access import grant_access_for, report_for
from grants.selectors.lists import agreements_list, reports_overdue, reports_to_review
from grants.selectors.reports import agreement_money, people_trained_to_date, report_tables
from grants.services import agreements as agreement_services
from grants.services import reports as report_services
from grants.services.payments import instalment_mark_paid

PAGE_SIZE = 25


def _staff_list(request):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not roles.may(request.user, "decide"):
        raise PermissionDenied
    return None


def _page(request, queryset, param="page"):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get(param))


def agreements(request):
    refused = _staff_list(request)
    if refused:
        return refused
    state = request.GET.get("etat", "")
    state = state if state in Agreement.State.values else ""
    return render(
        request,
        "grants/staff/agreements.html",
        {
            "title": _("Conventions de financement"),
            "page": _page(request, agreements_list(state=state)),
            "states": Agreement.State.choices,
            "state": state,
            # Its own page number: the agreements above keep theirs.
            "to_review": _page(request, reports_to_review(), "rapports"),
        },
    )


def overdue(request):
    refused = _staff_list(request)
    if refused:
        return refused
    return render(
        request,
        "grants/staff/overdue.html",
        {
            "title": _("Rapports en retard"),
            "page": _page(request, reports_overdue(today=timezone.localdate())),
        },
    )


def _payment_prefix(instalment_id) -> str:
    return f"paiement-{instalment_id}"


def _with_payment_forms(instalments) -> list:
    """Each released instalment gets its own form (its own field ids)."""
    rows = list(instalments)
    for instalment in rows:
        if instalment.state == Instalment.State.RELEASED:
            instalment.payment_form = PaymentForm(
                prefix=_payment_prefix(instalment.pk), initial={"paid_on": timezone.localdate()}
            )
    return rows


@login_required
def agreement(request, pk):
    access = grant_access_for(request.user, pk, staff_only=True, require_agreement=False)
    context = {"title": _("Convention de financement"), "access": access, "application": access.application}
    if access.agreement is not None:
        agreement = access.agreement
        context.update(
            agreement=agreement,
            money=agreement_money(agreement),
            people_to_date=people_trained_to_date(agreement),
            reports=list(agreement.reports.all()),
            instalments=_with_payment_forms(agreement.instalments.select_related("report")),
            schedule_form=ScheduleForm(instalments=agreement.instalments.all())
            if access.may("prepare")
            else None,
            countersign_form=SignedPdfForm(required=False),
            reason_form=ReasonForm(),
        )
    return render(request, "grants/staff/agreement.html", context)


@login_required
def prepare(request, pk):
    access = grant_access_for(request.user, pk, staff_only=True, require_agreement=False)
    if not access.may("prepare"):
        messages.error(request, _("La convention n'est plus en préparation : elle ne se modifie plus."))
        return redirect("grants_staff:agreement", pk)
    initial = prepare_initial(access.application, access.agreement)
    form = PrepareForm(request.POST or None, application=access.application, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            agreement_services.agreement_prepare(
                application=access.application, actor=request.user, **form.cleaned_data
            )
        except GrantError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("La convention est enregistrée."))
            return redirect("grants_staff:agreement", pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "grants/staff/prepare.html",
        {"title": _("Préparer la convention"), "form": form, "application": access.application},
        status=status,
    )


def _act(request, pk, action):
    """Run `action(access)` and redirect to the agreement with its outcome as a message."""
    access = grant_access_for(request.user, pk, staff_only=True)
    try:
        done = action(access)
    except GrantError as error:
        messages.error(request, error.message)
    else:
        if done:
            messages.success(request, done)
    return redirect("grants_staff:agreement", pk)


@login_required
@require_POST
def schedule(request, pk):
    def action(access):
        form = ScheduleForm(request.POST, instalments=access.agreement.instalments.all())
        if not form.is_valid():
            raise GrantError(" ".join(e for errors in form.errors.values() for e in errors))
        agreement_services.schedule_save(agreement=access.agreement, actor=request.user, rows=form.rows())
        return _("L'échéancier est enregistré.")

    return _act(request, pk, action)


@login_required
@require_POST
def send(request, pk):
    def action(access):
        agreement_services.agreement_send(agreement=access.agreement, actor=request.user)
        return _("La convention est envoyée pour signature.")

    return _act(request, pk, action)


@login_required
@require_POST
def countersign(request, pk):
    def action(access):
        form = SignedPdfForm(request.POST, request.FILES, required=False)
        if not form.is_valid():
            raise GrantError(" ".join(form.errors.get("file", [])))
        agreement_services.agreement_countersign(
            agreement=access.agreement, actor=request.user, uploaded_file=form.cleaned_data.get("file")
        )
        return _("La convention est contresignée.")

    return _act(request, pk, action)


@login_required
@require_POST
def start(request, pk):
    return _act(
        request,
        pk,
        lambda a: (
            agreement_services.agreement_start(agreement=a.agreement, actor=request.user)
            and _("Le projet est démarré.")
        ),
    )


@login_required
@require_POST
def close(request, pk):
    return _act(
        request,
        pk,
        lambda a: (
            agreement_services.agreement_close(agreement=a.agreement, actor=request.user)
            and _("Le projet est clôturé.")
        ),
    )


@login_required
@require_POST
def terminate(request, pk):
    return _act(
        request,
        pk,
        lambda a: (
            agreement_services.agreement_terminate(
                agreement=a.agreement, actor=request.user, reason=request.POST.get("reason", "")
            )
            and _("La convention est résiliée.")
        ),
    )


@login_required
def report(request, pk, report_id):
    access = grant_access_for(request.user, pk, staff_only=True)
    report = report_for(access, report_id)
    return render(
        request,
        "grants/staff/report.html",
        {
            "title": str(report),
            "access": access,
            "application": access.application,
            "report": report,
            "tables": report_tables(report),
            "milestones": list(report.milestones_reached.all()),
            "documents": list(report.documents.all()),
            "correction_form": CorrectionForm(),
        },
    )


@login_required
@require_POST
def report_accept(request, pk, report_id):
    def action(access):
        report_services.report_accept(report=report_for(access, report_id), actor=request.user)
        return _("Le rapport est accepté ; les versements qu'il conditionne sont débloqués.")

    return _act(request, pk, action)


@login_required
@require_POST
def report_correction(request, pk, report_id):
    def action(access):
        report_services.report_request_correction(
            report=report_for(access, report_id), actor=request.user, message=request.POST.get("message", "")
        )
        return _("La correction est demandée au lauréat.")

    return _act(request, pk, action)


@login_required
@require_POST
def instalment_paid(request, pk, instalment_id):
    def action(access):
        instalment = get_object_or_404(
            Instalment.objects.filter(agreement=access.agreement), pk=instalment_id
        )
        form = PaymentForm(request.POST, prefix=_payment_prefix(instalment.pk))
        if not form.is_valid():
            raise GrantError(_("Indiquez la date et la référence du paiement."))
        instalment_mark_paid(
            instalment=instalment,
            actor=request.user,
            paid_on=form.cleaned_data["paid_on"],
            reference=form.cleaned_data["reference"],
        )
        return _("Le versement est marqué payé.")

    return _act(request, pk, action)
