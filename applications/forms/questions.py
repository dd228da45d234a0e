"""The fields of the questions per action, added to the letter form and to the dossier's
"questions" section. Every field may be left empty in a draft; the required ones are marked
and checked before a submission (`selectors.questions.question_problems`), as the letter's
other fields are."""

import re
from decimal import InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from applications import validators
from applications.models import Answer, Question
from cma_portal.form_marks import mark_required_to_submit

ANSWER_MAX_PAGES = 50
ANSWER_TYPES = {
    validators.PDF_CONTENT_TYPE,
    validators.XLSX_CONTENT_TYPE,
    validators.ODS_CONTENT_TYPE,
    validators.DOCX_CONTENT_TYPE,
    validators.ODT_CONTENT_TYPE,
    validators.PNG_CONTENT_TYPE,
    validators.JPEG_CONTENT_TYPE,
}
TEXT_MAX = 500
LONG_TEXT_MAX = 10_000


class AnswerNumberField(forms.DecimalField):
    """A number typed the French way ("1 250,5") as well as "1250.5"."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        super().__init__(max_digits=14, decimal_places=2, **kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs["inputmode"] = "decimal"
        return attrs

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s\u202f\xa0]", "", value).replace(",", ".")
        try:
            return super().to_python(value)
        except InvalidOperation:
            raise ValidationError(_("Saisissez un nombre, par exemple 1 250,5."), code="invalid") from None


class AnswerFileField(forms.FileField):
    """A file answer: the checks of every upload of the portal (content type read from the
    bytes, archive and PDF inspection, virus scan), as the dossier's further documents."""

    def __init__(self, *, allow_macros: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.allow_macros = allow_macros

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if not uploaded or uploaded is initial:
            return None
        checked = validators.validate_upload(
            uploaded,
            accept=ANSWER_TYPES,
            max_pages=ANSWER_MAX_PAGES,
            allow_macros=self.allow_macros,
            type_message=_(
                "Ce type de fichier n'est pas accepté : déposez un PDF, un classeur (.xlsx, .ods), "
                "un texte (.docx, .odt) ou une image (.png, .jpg)."
            ),
        )
        uploaded.cma_page_count = checked.page_count
        uploaded.cma_content_type = checked.content_type
        uploaded.seek(0)
        return uploaded


def _field(question: Question, answer: Answer | None, allow_macros: bool) -> forms.Field:
    common = {"label": question.label, "required": False, "help_text": question.help}
    kind = question.kind
    if kind == Question.Kind.TEXT:
        return forms.CharField(max_length=TEXT_MAX, **common)
    if kind == Question.Kind.LONG_TEXT:
        return forms.CharField(max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}), **common)
    if kind == Question.Kind.NUMBER:
        return AnswerNumberField(**common)
    if kind == Question.Kind.CHOICE:
        return forms.ChoiceField(choices=[("", "---------"), *question.choice_list()], **common)
    document = answer.document if answer else None
    if document is not None:
        already = _("Fichier déjà déposé : %(name)s.") % {"name": document.original_name}
        common["help_text"] = format_html("{} {}", question.help, already) if question.help else already
    return AnswerFileField(allow_macros=allow_macros, **common)


def add_question_fields(form, questions: list[Question], answers: dict[int, Answer], *, allow_macros=False):
    """Add one field per question to `form` (named `q_<id>`), filled with the saved answers
    when the form is not bound; required questions are marked as required to submit."""
    form.questions = questions
    form.answers = answers
    for question in questions:
        answer = answers.get(question.pk)
        # For read-only pages: the saved answer beside its question.
        question.answer = answer
        question.answer_display = question.display(answer.value) if answer else ""
        form.fields[question.field_name] = _field(question, answer, allow_macros)
        if answer is not None and question.kind != Question.Kind.FILE:
            form.initial.setdefault(question.field_name, answer.value)
    mark_required_to_submit(form, [q.field_name for q in questions if q.required])


def question_values(form) -> dict[Question, object]:
    """question → cleaned value, for `services.questions.answers_save`."""
    return {q: form.cleaned_data.get(q.field_name) for q in getattr(form, "questions", [])}


class DossierQuestionsForm(DsfrBaseForm):
    """The dossier's "questions" section: the questions of the dossier stage."""

    def __init__(self, *args, application, questions, answers, **kwargs):
        super().__init__(*args, **kwargs)
        add_question_fields(
            self, questions, answers, allow_macros=application.wave.call.allow_macro_workbooks
        )
