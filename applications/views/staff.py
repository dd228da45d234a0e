"""Programme managers' screening pages, under /instruction/: the list of letters, the detail of
an application and the actions taken on it. Every page requires the `screen_letters`
capability; state changes are POST only and go through `screening_services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from actions.models import Action
from applications.downloads import document_response
from applications.errors import TransitionError
from applications.filters import ScreeningFilter
from applications.forms.staff import (
    CorrectionForm,
    ExtensionForm,
    GoForm,
    MessageForm,
    NoGoForm,
    StaffNoteForm,
)
from applications.models import Document, Organisation
from applications.selectors.access import ApplicationAccess, application_access_for
from applications.selectors.questions import export_cells, export_headers, export_questions, prefetch_answers
from applications.selectors.staff import format_deadline, screening_applications, screening_detail_context
from applications.services import messages as message_services
from applications.services import screening as screening_services
from applications.states import State
from applications.views.screening_preview import go_email_previews, no_go_email_previews
from cma_portal import roles
from cma_portal.choices import preload_choices
from cma_portal.csv_export import csv_cell, csv_streaming_response
from cma_portal.form_cache import cached_form_html
from cma_portal.pagination import paginate, row_url_prefix
from waves.models import Wave

EXPORT_CHUNK = 2000
SORTABLE = (  # lazy: the labels follow the visitor's language
    ("reference", gettext_lazy("Référence")),
    ("title", gettext_lazy("Titre")),
    ("state", gettext_lazy("État")),
    ("submitted", gettext_lazy("Déposée le")),
    ("deadline", gettext_lazy("Date limite du dossier")),
)


def _require(user, capability: str = "screen_letters") -> None:
    """List pages (no application yet): the capability alone."""
    if not roles.may(user, capability):
        raise PermissionDenied


def _staff_access(request, pk, capability: str = "screen_letters") -> ApplicationAccess:
    """The application and what this user may do with it; 403 without `capability`."""
    _require(request.user)
    access = application_access_for(request.user, pk, staff_only=True)
    if not access.may(capability):
        raise PermissionDenied
    return access


def _staff_application(request, pk, capability: str = "screen_letters"):
    return _staff_access(request, pk, capability).application


def _sort_columns(request) -> list[dict]:
    """Header links: a click sorts by the column, a second click reverses it."""
    current = request.GET.get("o", "")
    columns = []
    for key, label in SORTABLE:
        params = request.GET.copy()
        params.pop("page", None)
        params["o"] = f"-{key}" if current == key else key
        direction = "ascending" if current == key else "descending" if current == f"-{key}" else ""
        columns.append({"key": key, "label": label, "url": f"?{params.urlencode()}", "sort": direction})
    return columns


@login_required
@require_GET
def letters(request):
    _require(request.user)
    filterset = ScreeningFilter(request.GET or None, queryset=screening_applications())
    page = paginate(request, filterset.qs)
    waves = list(Wave.objects.select_related("call").order_by("-opens_at"))
    actions = list(Action.objects.all())
    preload_choices(filterset.form.fields["wave"], waves)
    preload_choices(filterset.form.fields["action"], actions)
    filter_fields = cached_form_html(
        filterset.form,
        "applications/staff/_filter_fields.html",
        options=([(w.pk, str(w)) for w in waves], [(a.pk, str(a)) for a in actions]),
    )
    # Labels are translated once per request, not once per row.
    states = {value: str(label) for value, label in State.choices}
    regions = {value: str(label) for value, label in Organisation.Region.choices}
    page.object_list = list(page.object_list)
    for application in page.object_list:
        application.state_label = states.get(application.state, application.state)
        org = application.lead_organisation
        application.region_label = regions.get(org.region, org.region) if org else ""
    export_params = request.GET.copy()
    export_params.pop("page", None)
    return render(
        request,
        "applications/staff/letters.html",
        {
            "title": _("Instruction des lettres d'intention"),
            "filter": filterset,
            "page_obj": page,
            "filter_fields": filter_fields,
            "columns": _sort_columns(request),
            "detail_prefix": row_url_prefix("instruction:detail"),
            "export_query": export_params.urlencode(),
            "now": timezone.now(),
        },
    )


@login_required
@require_GET
def letters_export(request):
    """The filtered list as CSV (semicolon separated, UTF-8 with BOM for spreadsheets)."""
    _require(request.user)
    _require(request.user, "export")
    filterset = ScreeningFilter(request.GET or None, queryset=screening_applications())
    # One column per question of the letter (issue 15): the answers come with each chunk.
    questions = export_questions(["letter"])
    rows = _letter_rows(prefetch_answers(filterset.qs), questions)
    return csv_streaming_response(rows, "lettres-intention.csv")


def _letter_rows(applications, questions=()):
    yield [
        _("Référence"),
        _("Titre"),
        _("Acronyme"),
        _("État"),
        _("Vague"),
        _("Actions"),
        _("Établissement porteur"),
        _("Région"),
        _("Nature"),
        _("Déposée le"),
        _("Date limite du dossier"),
        _("Aide demandée estimée (€)"),
        *export_headers(questions),
    ]
    # Read in chunks (the actions are prefetched per chunk): memory stays flat at 100,000 rows.
    for application in applications.iterator(chunk_size=EXPORT_CHUNK):
        org = application.lead_organisation
        submitted = application.letter_submitted_at
        yield [
            csv_cell(v)
            for v in (
                application.reference,
                application.title,
                application.acronym,
                application.get_state_display(),
                application.wave.name,
                ", ".join(str(a.number) for a in application.actions.all()),
                org.name if org else "",
                org.get_region_display() if org else "",
                org.get_kind_display() if org else "",
                timezone.localtime(submitted).strftime("%d/%m/%Y %H:%M") if submitted else "",
                format_deadline(application.dossier_deadline),
                application.estimated_aid_requested,
                *export_cells(application, questions),
            )
        ]


def _render_detail(request, application, status=200, access: ApplicationAccess | None = None, **forms):
    access = access or application_access_for(request.user, application.pk, staff_only=True)
    context = {
        "title": _("Candidature %(reference)s") % {"reference": application.display_reference},
        "application": application,
        "State": State,
        # What to offer comes from the workflow table (transitions this user may apply now).
        "can_screen": any(access.may(name) for name in ("request_correction", "go", "no_go")),
        "can_extend": access.may("extend_deadline") and application.state == State.DOSSIER_DRAFT,
        "correction_form": forms.get("correction_form") or CorrectionForm(prefix="correction"),
        "go_form": forms.get("go_form") or GoForm(prefix="go"),
        "no_go_form": forms.get("no_go_form") or NoGoForm(prefix="nogo"),
        "extension_form": forms.get("extension_form")
        or ExtensionForm(prefix="extension", current_deadline=application.dossier_deadline),
        "note_form": forms.get("note_form") or StaffNoteForm(prefix="note"),
        "message_form": forms.get("message_form") or MessageForm(prefix="message"),
        "go_previews": forms.get("go_previews"),
        "no_go_previews": forms.get("no_go_previews"),
        "staff_side": True,
        "dossier_deadline_date": format_deadline(application.dossier_deadline),
        **screening_detail_context(application),
    }
    return render(request, "applications/staff/detail.html", context, status=status)


@login_required
@require_GET
def detail(request, pk):
    access = _staff_access(request, pk, "screen_letters")
    return _render_detail(request, access.application, access=access)


def _act(request, application, form, form_name: str, act, success, anchor: str = ""):
    """The common course of the action views below: invalid input re-renders the page with
    `form` under `form_name` (400); else `act(cleaned_data)` runs, a refusal of the workflow is
    shown on the page, and `success` (a text, or a function of what `act` returned) is."""
    if not form.is_valid():
        return _render_detail(request, application, status=400, **{form_name: form})
    try:
        result = act(form.cleaned_data)
    except TransitionError as error:
        # Refused by the workflow: the page again with the form as typed, and the reason.
        messages.error(request, str(error.message))
        form.add_error(None, error.message)
        return _render_detail(request, application, status=409, **{form_name: form})
    messages.success(request, success(result) if callable(success) else success)
    return redirect(reverse("instruction:detail", args=[application.pk]) + anchor)


@login_required
@require_POST
def request_correction(request, pk):
    application = _staff_application(request, pk)
    return _act(
        request,
        application,
        CorrectionForm(request.POST, prefix="correction"),
        "correction_form",
        act=lambda data: screening_services.letter_request_correction(
            application=application, actor=request.user, message=data["message"]
        ),
        success=_("La demande de correction a été envoyée au porteur."),
    )


@login_required
@require_POST
def go(request, pk):
    application = _staff_application(request, pk, "decide")
    form = GoForm(request.POST, prefix="go")
    if "preview" in request.POST and form.is_valid():  # nothing recorded nor sent yet
        previews = go_email_previews(application, form.cleaned_data["note"])
        return _render_detail(request, application, go_form=form, go_previews=previews)
    return _act(
        request,
        application,
        form,
        "go_form",
        act=lambda data: screening_services.letter_go(
            application=application, actor=request.user, note=data["note"]
        ),
        success=lambda updated: (
            _(
                "GO enregistré. Le dossier complet est attendu au plus tard le %(date)s à 23:59 (heure de Paris)."
            )
            % {"date": format_deadline(updated.dossier_deadline)}
        ),
    )


@login_required
@require_POST
def no_go(request, pk):
    application = _staff_application(request, pk, "decide")
    form = NoGoForm(request.POST, prefix="nogo")
    if "preview" in request.POST and form.is_valid():  # nothing recorded nor sent yet
        previews = no_go_email_previews(application, form.cleaned_data["reasons"])
        return _render_detail(request, application, no_go_form=form, no_go_previews=previews)
    return _act(
        request,
        application,
        form,
        "no_go_form",
        act=lambda data: screening_services.letter_no_go(
            application=application, actor=request.user, reasons=data["reasons"]
        ),
        success=_("NO GO enregistré ; le porteur en a été informé avec vos motifs."),
    )


@login_required
@require_POST
def extend_deadline(request, pk):
    application = _staff_application(request, pk, "extend_deadline")
    return _act(
        request,
        application,
        ExtensionForm(request.POST, prefix="extension", current_deadline=application.dossier_deadline),
        "extension_form",
        act=lambda data: screening_services.application_extend_deadline(
            application=application, new_date=data["new_date"], reason=data["reason"], actor=request.user
        ),
        success=lambda updated: (
            _(
                "Délai prolongé : le dossier complet est attendu au plus tard le %(date)s à 23:59 (heure de Paris)."
            )
            % {"date": format_deadline(updated.dossier_deadline)}
        ),
    )


@login_required
@require_POST
def add_note(request, pk):
    application = _staff_application(request, pk)
    return _act(
        request,
        application,
        StaffNoteForm(request.POST, prefix="note"),
        "note_form",
        act=lambda data: screening_services.staff_note_add(
            application=application, author=request.user, body=data["body"]
        ),
        success=_("Note interne enregistrée."),
        anchor="#notes",
    )


@login_required
@require_POST
def post_message(request, pk):
    application = _staff_application(request, pk)
    return _act(
        request,
        application,
        MessageForm(
            request.POST,
            request.FILES,
            prefix="message",
            allow_macros=application.wave.call.allow_macro_workbooks,
        ),
        "message_form",
        act=lambda data: message_services.message_post(
            application=application,
            author=request.user,
            body=data["body"],
            attachments=data["attachments"],
            as_staff=True,
        ),
        success=_("Message envoyé au porteur."),
        anchor="#messages",
    )


@login_required
@require_GET
def document(request, pk, document_pk):
    """Any document of the application, message attachments included, for staff."""
    application = _staff_application(request, pk)
    try:
        doc = application.documents.get(pk=document_pk)
    except Document.DoesNotExist:
        raise Http404 from None
    return document_response(doc)
