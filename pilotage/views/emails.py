"""Edited emails (issue 15): the list of the portal's emails, each one's subject and text in
French and English with a preview on sample data, and the reset to the default text."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cma_portal.email_overrides import default_texts
from cma_portal.email_registry import EDITABLE_EMAILS, LANGUAGES
from cma_portal.mail import email_preview
from cma_portal.pagination import paginate
from pilotage import selectors, services
from pilotage.forms import EmailTemplateForm
from pilotage.views.access import capability_required

CAPABILITY = "manage_email_templates"


def _entry(template_name):
    entry = EDITABLE_EMAILS.get(template_name)
    if entry is None:
        raise Http404
    return entry


@capability_required(CAPABILITY)
def email_template_list(request):
    page = paginate(request, selectors.email_template_rows())
    return render(request, "pilotage/email_template_list.html", {"title": _("Courriels"), "page_obj": page})


@capability_required(CAPABILITY)
@require_http_methods(["GET", "POST"])
def email_template_edit(request, template_name):
    entry = _entry(template_name)
    stored = selectors.email_template_overrides(template_name)
    initial = {}
    for language, _label in LANGUAGES:
        if language in stored:
            subject, body = stored[language].subject, stored[language].body
        else:
            with translation.override(language):
                subject, body = default_texts(template_name)
        initial[f"subject_{language}"], initial[f"body_{language}"] = subject, body
        initial[f"version_{language}"] = stored[language].version if language in stored else 0
    bound = request.method == "POST"
    form = EmailTemplateForm(request.POST if bound else None, initial=initial, allowed=entry.allowed())
    previews = []
    if bound and form.is_valid():
        data = form.cleaned_data
        if "preview" not in request.POST:
            try:
                with transaction.atomic():  # both languages, or neither
                    for language, _label in LANGUAGES:
                        services.email_template_save(
                            name=template_name,
                            language=language,
                            subject=data[f"subject_{language}"],
                            body=data[f"body_{language}"],
                            expected_version=data[f"version_{language}"],
                            actor=request.user,
                        )
            except services.PilotageError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Le courriel est enregistré."))
                return redirect("pilotage:email_template_edit", template_name=template_name)
    if bound and form.is_valid() and "preview" in request.POST:
        previews = [
            email_preview(
                template_name,
                entry.sample(),
                language,
                override=(data[f"subject_{language}"], data[f"body_{language}"]),
            )
            for language, _label in LANGUAGES
        ]
    return render(
        request,
        "pilotage/email_template_form.html",
        {
            "title": _("Modifier le courriel « %(label)s »") % {"label": entry.label},
            "entry": entry,
            "form": form,
            "stored": stored,
            "previews": previews,
            "sample": sorted(entry.sample().items()),
        },
        status=(409 if form.non_field_errors() else 400) if bound and not form.is_valid() else 200,
    )


@capability_required(CAPABILITY)
@require_http_methods(["GET", "POST"])
def email_template_reset(request, template_name, language):
    entry = _entry(template_name)
    if language not in dict(LANGUAGES):
        raise Http404
    if request.method == "POST":
        if services.email_template_reset(name=template_name, language=language, actor=request.user):
            messages.success(request, _("Le courriel est revenu au texte par défaut."))
        else:
            messages.info(request, _("Ce courriel utilisait déjà le texte par défaut."))
        return redirect("pilotage:email_template_edit", template_name=template_name)
    return render(
        request,
        "pilotage/email_template_reset.html",
        {
            "title": _("Revenir au texte par défaut"),
            "entry": entry,
            "language_label": dict(LANGUAGES)[language],
            "stored": selectors.email_template_overrides(template_name).get(language),
        },
    )
