"""Applicant pages under /candidatures/: dashboard, letter of intent, receipts,
documents, withdrawal, history (organisations and co-editors: `views.people`). Function views; objects through
`selectors.get_application_for` (404 for strangers)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from applications.downloads import document_response
from applications.errors import TransitionError
from applications.forms.letters import (
    LetterForm,
    NewLetterForm,
    PartnerFormSet,
    WithdrawForm,
    partner_initial,
)
from applications.forms.questions import question_values
from applications.guards import letter_problems
from applications.models import Document, Submission
from applications.pdf import submission_pdf_is_ready
from applications.selectors import applicant as reads
from applications.selectors.access import get_application_for, is_editor
from applications.selectors.decisions import decision_panel, decision_panels
from applications.services.documents import document_store
from applications.services.letters import (
    ConflictError,
    application_withdraw,
    letter_create,
    letter_save,
    letter_submit,
)
from applications.services.waves import deadline_passed
from applications.states import State
from applications.views.waves import move_form
from cma_portal import roles
from cma_portal.pagination import paginate, row_url_prefix
from waves.selectors import waves_open_at


def require_editor(user, application):
    if not is_editor(user, application):
        raise PermissionDenied


# --- Dashboard --------------------------------------------------------------------------------


@login_required
def dashboard(request):
    page = paginate(request, reads.applicant_applications(request.user))
    rows = reads.dashboard_rows(request.user, applications=page.object_list)
    return render(
        request,
        "applications/dashboard.html",
        {
            "title": _("Mes candidatures"),
            "rows": rows,
            "page_obj": page,
            "detail_prefix": row_url_prefix("applications:detail"),
            "decision_panels": decision_panels([row.application for row in rows]),
            "organisations": list(reads.organisations_of(request.user)),
            "invitations": list(reads.pending_invitations(request.user)),
            "open_waves": bool(waves_open_at()),
        },
    )


# --- Organisations ----------------------------------------------------------------------------


# --- Letter of intent -------------------------------------------------------------------------


@login_required
def letter_new(request):
    waves = waves_open_at()
    form = NewLetterForm(request.POST or None, waves=waves)
    if request.method == "POST" and form.is_valid():
        wave = form.cleaned_data["wave"]
        if not wave.accepts_letters():
            form.add_error("wave", _("Cette vague n'accepte plus de lettre d'intention."))
        else:
            organisations = list(reads.organisations_of(request.user))
            lead = next((o for o in organisations if o.is_higher_education), None)
            application = letter_create(user=request.user, wave=wave, lead_organisation=lead)
            messages.success(request, _("Brouillon créé. Complétez la lettre d'intention puis déposez-la."))
            return redirect("applications:letter_edit", pk=application.pk)
    return render(
        request,
        "applications/letter_new.html",
        {
            "title": _("Nouvelle lettre d'intention"),
            "form": form,
            "waves": waves,
            "has_organisation": reads.organisations_of(request.user).exists(),
        },
    )


def _letter_context(application, form, formset, problems=None):
    return {
        "title": _("Lettre d'intention"),
        "application": application,
        "form": form,
        "formset": formset,
        "current_letter": application.documents.filter(kind=Document.Kind.LETTER, is_current=True).first(),
        "problems": problems or [],
        "call": application.wave.call,
        "wave_closed": deadline_passed(application),
        "move_form": move_form(application),
    }


def _letter_forms(application, user, data=None, files=None):
    initial = {
        name: getattr(application, name) for name in LetterForm.base_fields if hasattr(application, name)
    }
    initial.update(
        version=application.version,
        actions=list(application.actions.all()),
        components=list(application.components.all()),
        lead_organisation=application.lead_organisation_id,
    )
    initial.pop("letter", None)
    form = LetterForm(data, files, initial=initial, application=application, user=user)
    # Bound, the rows are compared with nothing: an unchanged partner row must still count
    # (a formset skips the validation of extra rows equal to their initial values).
    formset = PartnerFormSet(
        data, initial=None if data is not None else partner_initial(application), prefix="partners"
    )
    return form, formset


@login_required
def letter_edit(request, pk):
    application = get_application_for(request.user, pk)
    require_editor(request.user, application)
    if application.state != State.LI_DRAFT:
        messages.info(request, _("La lettre d'intention n'est plus modifiable à cet état."))
        return redirect(application.get_absolute_url())
    if request.method != "POST":
        form, formset = _letter_forms(application, request.user)
        return render(request, "applications/letter_form.html", _letter_context(application, form, formset))

    form, formset = _letter_forms(application, request.user, request.POST, request.FILES)
    valid = form.is_valid()
    valid = formset.is_valid() and valid
    posted_version = form.cleaned_data.get("version") if hasattr(form, "cleaned_data") else None
    if posted_version is not None and posted_version != application.version:
        messages.error(request, ConflictError.message)
        return render(
            request, "applications/letter_form.html", _letter_context(application, form, formset), status=409
        )

    # A letter that passed its checks is kept even if another field is wrong: no second upload.
    uploaded = request.FILES.get("letter")
    if uploaded and "letter" not in form.errors:
        document_store(
            application=application,
            kind=Document.Kind.LETTER,
            uploaded_file=uploaded,
            user=request.user,
            page_count=form.letter_page_count,
        )
        if not valid:
            messages.info(
                request, _("La lettre « %(name)s » a bien été enregistrée.") % {"name": uploaded.name}
            )
    if not valid:
        messages.error(request, _("Le formulaire contient des erreurs : corrigez les champs signalés."))
        return render(
            request, "applications/letter_form.html", _letter_context(application, form, formset), status=400
        )

    try:
        letter_save(
            application=application,
            user=request.user,
            version=form.cleaned_data["version"],
            fields=form.letter_fields(),
            actions=form.cleaned_data["actions"],
            components=form.cleaned_data["components"],
            partners=[p for p in (f.partner() for f in formset.forms) if p],
            answers=question_values(form),
        )
    except ConflictError:
        messages.error(request, ConflictError.message)
        return render(
            request, "applications/letter_form.html", _letter_context(application, form, formset), status=409
        )
    except TransitionError as error:
        messages.error(request, error.message)
        return redirect(application.get_absolute_url())

    if "submit" not in request.POST:
        problems = letter_problems(application)
        messages.success(request, _("Brouillon enregistré."))
        if problems:
            messages.warning(
                request,
                _("À compléter avant le dépôt : %(items)s")
                % {"items": " ; ".join(str(message) for _field, message in problems)},
            )
        return redirect("applications:letter_edit", pk=application.pk)

    problems = letter_problems(application)
    if not problems:
        try:
            submission = letter_submit(application=application, user=request.user)
        except TransitionError as error:
            messages.error(request, error.message)
            return redirect("applications:letter_edit", pk=application.pk)
        messages.success(
            request,
            _("Lettre d'intention déposée sous la référence %(ref)s.")
            % {"ref": submission.application.reference},
        )
        return redirect("applications:receipt", pk=application.pk, submission_id=submission.pk)

    # Saved as a draft; show what stops the submission next to the fields, input as typed.
    data = request.POST.copy()
    data["version"] = str(application.version)
    form, formset = _letter_forms(application, request.user, data)
    form.is_valid()
    formset.is_valid()
    for field, message in problems:
        form.add_error(field if field in form.fields else None, message)
    messages.error(
        request, _("Votre brouillon est enregistré, mais la lettre ne peut pas encore être déposée.")
    )
    return render(
        request,
        "applications/letter_form.html",
        _letter_context(application, form, formset, problems),
        status=400,
    )


@login_required
def detail(request, pk):
    application = get_application_for(request.user, pk)
    submissions = list(application.submissions.order_by("-submitted_at", "-id"))
    editor = is_editor(request.user, application)
    return render(
        request,
        "applications/detail.html",
        {
            "title": str(application),
            "application": application,
            "submissions": submissions,
            "documents": list(
                application.documents.filter(is_current=True, message__isnull=True).select_related("partner")
            ),
            "partners": list(application.partners.select_related("organisation")),
            "actions": list(application.actions.all()),
            "components": list(application.components.all()),
            "is_editor": editor,
            "is_owner": application.owner_id == request.user.pk,
            "can_edit_letter": editor and application.state == State.LI_DRAFT,
            "can_withdraw": application.owner_id == request.user.pk
            and application.state in State.open_states(),
            "dossier_url": reverse("applications:dossier", args=[application.pk]),
            "messages_url": reverse("applications:messages", args=[application.pk]),
            "problems": letter_problems(application) if application.state == State.LI_DRAFT else [],
            "decision_panel": decision_panel(application),
            "wave_closed": deadline_passed(application),
            "move_form": move_form(application) if editor else None,
        },
    )


@login_required
def history(request, pk):
    application = get_application_for(request.user, pk)
    for_staff = roles.may(request.user, "screen_letters")
    return render(
        request,
        "applications/history.html",
        {
            "title": _("Historique"),
            "application": application,
            "events": reads.application_history(application, for_staff=for_staff),
        },
    )


@login_required
def receipt(request, pk, submission_id):
    application = get_application_for(request.user, pk)
    submission = get_object_or_404(Submission, pk=submission_id, application=application)
    snapshot = submission.snapshot
    letter = next((d for d in snapshot.get("documents", []) if d["kind"] == Document.Kind.LETTER), None)
    return render(
        request,
        "applications/receipt.html",
        {
            "title": _("Accusé de dépôt"),
            "application": application,
            "submission": submission,
            "snapshot": snapshot,
            "letter": letter,
            "pdf_ready": submission_pdf_is_ready(submission, verify=False),
        },
    )


@login_required
def document_download(request, pk, doc_id):
    application = get_application_for(request.user, pk)
    return document_response(get_object_or_404(Document, pk=doc_id, application=application))


# --- Co-editors -------------------------------------------------------------------------------


# --- Withdrawal -------------------------------------------------------------------------------


@login_required
def withdraw(request, pk):
    application = get_application_for(request.user, pk)
    if application.owner_id != request.user.pk:
        raise PermissionDenied
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            application_withdraw(application=application, user=request.user, note=form.cleaned_data["note"])
        except TransitionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("La candidature a été retirée."))
        return redirect(application.get_absolute_url())
    return render(
        request,
        "applications/withdraw.html",
        {"title": _("Retirer la candidature"), "application": application, "form": form},
    )
